import { BlockList, isIP } from 'node:net';

/** A literal IP address: its text (no brackets, no zone id) and family. */
export interface IpAddress {
  address: string;
  family: 'ipv4' | 'ipv6';
}

/** Reads a literal IP address (IPv6 may come in brackets or with a `%zone`); undefined when the text is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // A zone only says which interface to use; the address is what the ranges are about.
  const address = bare.includes(':') ? bare.replace(/%.*$/, '') : bare;
  const version = isIP(address);
  if (version === 4) return { address, family: 'ipv4' };
  if (version === 6) return { address, family: 'ipv6' };
  return undefined;
}

/** One CIDR range as written in HOOKREACH_ALLOW_NETWORKS or the blocked-range table. */
export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Reads `a.b.c.d/n` or `x:y::/n`; throws an Error naming the text when it is not a CIDR range. */
export function parseCidr(text: string): Cidr {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  const ip = match ? parseIp(match[1] ?? '') : undefined;
  const prefix = Number(match?.[2]);
  if (!ip || prefix > (ip.family === 'ipv4' ? 32 : 128)) {
    throw new Error(`"${text}" is not a CIDR range such as 127.0.0.1/32 or ::1/128`);
  }
  return { address: ip.address, prefix, family: ip.family };
}

/**
 * A set of CIDR ranges, backed by node:net BlockList. An IPv4 range also holds the IPv4-mapped IPv6 form
 * of its addresses (`::ffff:10.0.0.1` is in 10.0.0.0/8); the tests pin that behaviour down.
 */
export class NetworkSet {
  private readonly list = new BlockList();

  constructor(cidrs: readonly string[]) {
    for (const text of cidrs) {
      const cidr = parseCidr(text);
      this.list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
  }

  /** Whether the address lies in one of the ranges. */
  has(ip: IpAddress): boolean {
    return this.list.check(ip.address, ip.family);
  }
}

/** The 16 bytes of a valid IPv6 address (without zone), dotted-quad tail included. */
export function ipv6Bytes(address: string): Uint8Array {
  const text = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a: string, b: string, c: string, d: string) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros: string[] = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const bytes = new Uint8Array(16);
  [...headGroups, ...zeros, ...tailGroups].forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

/** An IPv4 address carried inside an IPv6 one, and how it is carried. */
export interface CarriedIpv4 extends IpAddress {
  /** `mapped` and `nat64` connections end at the IPv4 address itself; `6to4` ones are tunnelled to it. */
  via: 'mapped' | 'nat64' | '6to4';
}

/** The IPv4 address in an IPv4-mapped (::ffff:0:0/96), NAT64 well-known (64:ff9b::/96) or 6to4 (2002::/16) address. */
export function embeddedIpv4(ip: IpAddress): CarriedIpv4 | undefined {
  if (ip.family === 'ipv4') return undefined;
  const b = ipv6Bytes(ip.address);
  const zero = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  const quad = (at: number, via: CarriedIpv4['via']): CarriedIpv4 => ({ address: b.subarray(at, at + 4).join('.'), family: 'ipv4', via });
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return quad(12, 'mapped');
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return quad(12, 'nat64');
  if (b[0] === 0x20 && b[1] === 0x02) return quad(2, '6to4');
  return undefined;
}
