import { embeddedIpv4, ipv6Bytes, NetworkSet, type IpAddress } from './cidr.js';

/** What a refused address is, as the refusal says it ("10.0.0.1 is private"). */
export type AddressCategory =
  | 'cloud metadata'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'carrier-grade NAT'
  | 'link-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved for documentation'
  | 'reserved for benchmarking'
  | 'reserved';

/**
 * Ranges no outbound call may reach unless HOOKREACH_ALLOW_NETWORKS opens them. Narrow ranges come before the
 * wider ones holding them, so the first match names the category (169.254.169.254 is metadata, not just link-local).
 * No IPv6 range here may cover ::ffff:0:0/96: BlockList would then match every IPv4 address too.
 */
export const BLOCKED_RANGES: readonly { cidr: string; category: AddressCategory }[] = [
  { cidr: '169.254.169.254/32', category: 'cloud metadata' }, // AWS, GCP, Azure, OpenStack, ...
  { cidr: 'fd00:ec2::254/128', category: 'cloud metadata' }, // AWS instance metadata over IPv6
  { cidr: '0.0.0.0/8', category: 'unspecified' }, // "this network"; 0.0.0.0 reaches the local host
  { cidr: '::/128', category: 'unspecified' },
  { cidr: '127.0.0.0/8', category: 'loopback' },
  { cidr: '::1/128', category: 'loopback' },
  { cidr: '10.0.0.0/8', category: 'private' },
  { cidr: '172.16.0.0/12', category: 'private' },
  { cidr: '192.168.0.0/16', category: 'private' },
  { cidr: 'fc00::/7', category: 'private' }, // unique local addresses
  { cidr: '100.64.0.0/10', category: 'carrier-grade NAT' },
  { cidr: '169.254.0.0/16', category: 'link-local' },
  { cidr: 'fe80::/10', category: 'link-local' },
  { cidr: '224.0.0.0/4', category: 'multicast' },
  { cidr: 'ff00::/8', category: 'multicast' },
  { cidr: '255.255.255.255/32', category: 'broadcast' },
  { cidr: '192.0.2.0/24', category: 'reserved for documentation' },
  { cidr: '198.51.100.0/24', category: 'reserved for documentation' },
  { cidr: '203.0.113.0/24', category: 'reserved for documentation' },
  { cidr: '2001:db8::/32', category: 'reserved for documentation' },
  { cidr: '198.18.0.0/15', category: 'reserved for benchmarking' },
  { cidr: '2001:2::/48', category: 'reserved for benchmarking' },
  { cidr: '192.0.0.0/24', category: 'reserved' }, // IETF protocol assignments
  { cidr: '240.0.0.0/4', category: 'reserved' },
  { cidr: '2001::/32', category: 'reserved' }, // Teredo tunnels
];

const RANGE_SETS = BLOCKED_RANGES.map((range) => ({ set: new NetworkSet([range.cidr]), category: range.category }));

/** How the guard sees one address: its category, and the IPv4 address it stands for if any. */
export interface Classification {
  category: AddressCategory;
  ipv4?: string;
}

/**
 * Classifies an address; undefined means publicly routable. IPv4-mapped and NAT64 addresses are judged by the
 * IPv4 address they carry, 6to4 ones by both, and IPv6 outside global unicast (2000::/3) is reserved.
 */
export function classifyAddress(ip: IpAddress): Classification | undefined {
  const carried = embeddedIpv4(ip);
  if (carried && carried.via !== '6to4') {
    const category = tableCategory(carried);
    return category && { category, ipv4: carried.address };
  }
  const own = tableCategory(ip);
  if (own) return { category: own };
  const inner = carried && tableCategory(carried);
  if (carried && inner) return { category: inner, ipv4: carried.address };
  if (ip.family === 'ipv6' && ((ipv6Bytes(ip.address)[0] ?? 0) & 0xe0) !== 0x20) return { category: 'reserved' };
  return undefined;
}

function tableCategory(ip: IpAddress): AddressCategory | undefined {
  return RANGE_SETS.find((range) => range.set.has(ip))?.category;
}
