import { randomBytes } from 'node:crypto';
import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/outbound/address-policy.js';
import { embeddedIpv4, ipv6Bytes, NetworkSet, parseCidr, parseIp } from '../../src/outbound/cidr.js';
import { BLOCKED_RANGES, classifyAddress } from '../../src/outbound/ip-ranges.js';

const refuse = createAddressPolicy([]);
const categoryOf = (address: string) => refuse(address)?.category;

/** Formats 16 bytes as full, uncompressed IPv6 text. */
const fullIpv6 = (bytes: Uint8Array) =>
  Array.from({ length: 8 }, (_, i) => (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16)).join(':');

describe('blocked ranges', () => {
  // Each range's first and last address, and the neighbours just outside (public unless stated).
  it.each([
    ['0.0.0.0', 'unspecified'], ['0.255.255.255', 'unspecified'], ['1.0.0.0', undefined],
    ['9.255.255.255', undefined], ['10.0.0.0', 'private'], ['10.255.255.255', 'private'], ['11.0.0.0', undefined],
    ['100.63.255.255', undefined], ['100.64.0.0', 'carrier-grade NAT'], ['100.127.255.255', 'carrier-grade NAT'], ['100.128.0.0', undefined],
    ['126.255.255.255', undefined], ['127.0.0.1', 'loopback'], ['127.255.255.255', 'loopback'], ['128.0.0.0', undefined],
    ['169.253.255.255', undefined], ['169.254.0.0', 'link-local'], ['169.254.169.253', 'link-local'],
    ['169.254.169.254', 'cloud metadata'], ['169.254.255.255', 'link-local'], ['169.255.0.0', undefined],
    ['172.15.255.255', undefined], ['172.16.0.0', 'private'], ['172.31.255.255', 'private'], ['172.32.0.0', undefined],
    ['191.255.255.255', undefined], ['192.0.0.0', 'reserved'], ['192.0.0.255', 'reserved'], ['192.0.1.0', undefined],
    ['192.0.2.0', 'reserved for documentation'], ['192.0.2.255', 'reserved for documentation'], ['192.0.3.0', undefined],
    ['192.167.255.255', undefined], ['192.168.0.0', 'private'], ['192.168.255.255', 'private'], ['192.169.0.0', undefined],
    ['198.17.255.255', undefined], ['198.18.0.0', 'reserved for benchmarking'], ['198.19.255.255', 'reserved for benchmarking'], ['198.20.0.0', undefined],
    ['198.51.99.255', undefined], ['198.51.100.0', 'reserved for documentation'], ['198.51.100.255', 'reserved for documentation'], ['198.51.101.0', undefined],
    ['203.0.112.255', undefined], ['203.0.113.0', 'reserved for documentation'], ['203.0.113.255', 'reserved for documentation'], ['203.0.114.0', undefined],
    ['223.255.255.255', undefined], ['224.0.0.0', 'multicast'], ['224.0.0.1', 'multicast'], ['239.255.255.255', 'multicast'],
    ['240.0.0.0', 'reserved'], ['255.255.255.254', 'reserved'], ['255.255.255.255', 'broadcast'],
    ['8.8.8.8', undefined], ['93.184.215.14', undefined],
  ])('IPv4 %s → %s', (address, category) => {
    expect(categoryOf(address)).toBe(category);
  });

  it.each([
    ['::', 'unspecified'], ['::1', 'loopback'], ['::2', 'reserved'], ['::7f00:1', 'reserved'],
    ['fc00::', 'private'], ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'private'], ['fd00:ec2::254', 'cloud metadata'], ['fd00:ec2::253', 'private'],
    ['fe80::', 'link-local'], ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'link-local'], ['fe80::1%eth0', 'link-local'],
    ['ff00::', 'multicast'], ['ff02::1', 'multicast'], ['2001:db8::1', 'reserved for documentation'], ['2001:db9::1', undefined],
    ['2001::1', 'reserved'], ['2001:2::1', 'reserved for benchmarking'], ['100::1', 'reserved'], ['64:ff9b:1::a00:1', 'reserved'],
    // Outside global unicast (2000::/3) nothing is routable on the internet.
    ['1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'], ['4000::1', 'reserved'], ['fe00::1', 'reserved'],
    ['2000::', undefined], ['2606:4700:4700::1111', undefined], ['3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', undefined],
  ])('IPv6 %s → %s', (address, category) => {
    expect(categoryOf(address)).toBe(category);
  });

  it('judges IPv4-mapped, NAT64 and 6to4 addresses by the IPv4 address they carry', () => {
    expect(refuse('::ffff:127.0.0.1')).toEqual({ address: '::ffff:127.0.0.1', ipv4: '127.0.0.1', category: 'loopback' });
    expect(refuse('::ffff:7f00:1')).toEqual({ address: '::ffff:7f00:1', ipv4: '127.0.0.1', category: 'loopback' });
    expect(refuse('::ffff:a9fe:a9fe')).toMatchObject({ ipv4: '169.254.169.254', category: 'cloud metadata' });
    expect(refuse('0:0:0:0:0:ffff:0a00:0001')).toMatchObject({ ipv4: '10.0.0.1', category: 'private' });
    expect(refuse('::ffff:0:0')).toMatchObject({ ipv4: '0.0.0.0', category: 'unspecified' });
    expect(refuse('64:ff9b::10.0.0.1')).toEqual({ address: '64:ff9b::10.0.0.1', ipv4: '10.0.0.1', category: 'private' });
    expect(refuse('64:ff9b::a9fe:a9fe')).toMatchObject({ ipv4: '169.254.169.254', category: 'cloud metadata' });
    expect(refuse('2002:7f00:1::1')).toMatchObject({ ipv4: '127.0.0.1', category: 'loopback' });
    expect(refuse('2002:c0a8:0101::')).toMatchObject({ ipv4: '192.168.1.1', category: 'private' });
    // Public IPv4 behind the same envelopes passes (2000::/3 does not hold ::ffff:0:0/96 or 64:ff9b::/96).
    expect(refuse('::ffff:8.8.8.8')).toBeUndefined();
    expect(refuse('64:ff9b::808:808')).toBeUndefined();
    expect(refuse('2002:808:808::1')).toBeUndefined();
  });

  it('fails closed on anything that is not an IP address', () => {
    for (const text of ['', 'localhost', '10.0.0.1 ', '256.0.0.1', '::g', 'example.com']) {
      expect(refuse(text)).toEqual({ address: text, category: 'not an IP address' });
    }
  });

  it('puts narrower ranges first so the first match names the most precise category', () => {
    const sets = BLOCKED_RANGES.map((range) => ({ ...range, cidr: parseCidr(range.cidr) }));
    sets.forEach((later, j) => {
      for (const earlier of sets.slice(0, j)) {
        const widerFirst = new NetworkSet([`${earlier.cidr.address}/${earlier.cidr.prefix}`]).has(later.cidr) && earlier.cidr.prefix < later.cidr.prefix;
        expect(widerFirst, `${earlier.cidr.address}/${earlier.cidr.prefix} hides ${later.cidr.address}/${later.cidr.prefix}`).toBe(false);
      }
    });
  });

  it('has no IPv6 range that would hold IPv4 addresses through the mapped form', () => {
    for (const range of BLOCKED_RANGES) expect(new NetworkSet([range.cidr]).has({ address: '8.8.8.8', family: 'ipv4' }), range.cidr).toBe(false);
  });
});

describe('the allowlist', () => {
  it('opens exactly the listed ranges, which win over the blocked ones', () => {
    const policy = createAddressPolicy(['127.0.0.1/32', '10.1.0.0/16', 'fd12::/16', '169.254.169.254/32']);
    expect(policy('127.0.0.1')).toBeUndefined();
    expect(policy('127.0.0.2')).toMatchObject({ category: 'loopback' });
    expect(policy('10.1.255.255')).toBeUndefined();
    expect(policy('10.2.0.0')).toMatchObject({ category: 'private' });
    expect(policy('fd12:3456::1')).toBeUndefined();
    expect(policy('fd13::1')).toMatchObject({ category: 'private' });
    expect(policy('169.254.169.254')).toBeUndefined();
    expect(policy('169.254.169.253')).toMatchObject({ category: 'link-local' });
  });

  it('matches an IPv4 entry in the mapped and NAT64 forms of its addresses too', () => {
    const policy = createAddressPolicy(['127.0.0.1/32']);
    expect(policy('::ffff:127.0.0.1')).toBeUndefined();
    expect(policy('::ffff:7f00:1')).toBeUndefined();
    expect(policy('64:ff9b::7f00:1')).toBeUndefined();
    expect(policy('::1')).toMatchObject({ category: 'loopback' });
  });

  it('refuses to start on an entry that is not a CIDR range', () => {
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '::1/129', '999.0.0.0/8', 'localhost/8', '10.0.0.0/-1', '']) {
      expect(() => createAddressPolicy([bad]), bad).toThrow(/^HOOKREACH_ALLOW_NETWORKS: ".*" is not a CIDR range/);
    }
  });

  it('accepts host bits, IPv6 and bracketed forms', () => {
    expect(createAddressPolicy(['10.9.9.9/8'])('10.200.0.1')).toBeUndefined();
    expect(createAddressPolicy(['[::1]/128'])('::1')).toBeUndefined();
    expect(createAddressPolicy(['::/0'])('fe80::1')).toBeUndefined();
  });
});

describe('address parsing', () => {
  it('reads literal addresses, dropping brackets and zone ids', () => {
    expect(parseIp('10.0.0.1')).toEqual({ address: '10.0.0.1', family: 'ipv4' });
    expect(parseIp('[::1]')).toEqual({ address: '::1', family: 'ipv6' });
    expect(parseIp('fe80::1%eth0')).toEqual({ address: 'fe80::1', family: 'ipv6' });
    expect(parseIp('example.com')).toBeUndefined();
  });

  it('turns IPv6 text into the same bytes as the WHATWG URL parser, in every notation', () => {
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(16);
      // Runs of zero groups make '::' compressions likely; some tails become dotted quads.
      if (i % 3 === 0) bytes.fill(0, 2 * (i % 5), 2 * (i % 5) + 6);
      const full = fullIpv6(bytes);
      const canonical = new URL(`http://[${full}]/`).hostname.slice(1, -1);
      const dotted = `${full.split(':').slice(0, 6).join(':')}:${Array.from(bytes.subarray(12)).join('.')}`;
      for (const text of [full, canonical, dotted]) expect(Buffer.from(ipv6Bytes(text)).equals(bytes), text).toBe(true);
    }
    expect(Array.from(ipv6Bytes('::'))).toEqual(Array<number>(16).fill(0));
    expect(Array.from(ipv6Bytes('1::')).slice(0, 2)).toEqual([0, 1]);
  });

  it('finds the IPv4 address in mapped, NAT64 and 6to4 addresses only', () => {
    const ipv6 = (address: string) => ({ address, family: 'ipv6' as const });
    expect(embeddedIpv4(ipv6('::ffff:1.2.3.4'))).toEqual({ address: '1.2.3.4', family: 'ipv4', via: 'mapped' });
    expect(embeddedIpv4(ipv6('64:ff9b::102:304'))).toEqual({ address: '1.2.3.4', family: 'ipv4', via: 'nat64' });
    expect(embeddedIpv4(ipv6('2002:102:304:5::6'))).toEqual({ address: '1.2.3.4', family: 'ipv4', via: '6to4' });
    expect(embeddedIpv4(ipv6('::fffe:1.2.3.4'))).toBeUndefined();
    expect(embeddedIpv4(ipv6('64:ff9b:0:1::102:304'))).toBeUndefined();
    expect(embeddedIpv4(ipv6('2003::1'))).toBeUndefined();
    expect(embeddedIpv4({ address: '1.2.3.4', family: 'ipv4' })).toBeUndefined();
  });
});

describe('node:net BlockList, which NetworkSet builds on', () => {
  it('matches IPv4 ranges against IPv4-mapped IPv6 addresses (and nothing else of IPv6)', () => {
    const list = new BlockList();
    list.addSubnet('10.0.0.0', 8, 'ipv4');
    expect(list.check('::ffff:10.0.0.1', 'ipv6')).toBe(true);
    expect(list.check('::ffff:a00:1', 'ipv6')).toBe(true);
    expect(list.check('::ffff:11.0.0.1', 'ipv6')).toBe(false);
    expect(list.check('::a00:1', 'ipv6')).toBe(false); // IPv4-compatible is not mapped
    expect(list.check('64:ff9b::a00:1', 'ipv6')).toBe(false); // hence the NAT64 handling of our own
  });

  it('returns false (not an error) for text that is no address: the policy must parse first', () => {
    const list = new BlockList();
    list.addSubnet('10.0.0.0', 8, 'ipv4');
    expect(list.check('10.0.0.1 ', 'ipv4')).toBe(false);
  });

  it('agrees with a byte-wise prefix match on random addresses near every range', () => {
    const ranges = BLOCKED_RANGES.map((range) => parseCidr(range.cidr));
    for (const cidr of ranges) {
      const set = new NetworkSet([`${cidr.address}/${cidr.prefix}`]);
      const base = cidr.family === 'ipv4' ? ipv6Bytes(`::ffff:${cidr.address}`) : ipv6Bytes(cidr.address);
      const prefixBits = cidr.family === 'ipv4' ? 96 + cidr.prefix : cidr.prefix;
      for (let i = 0; i < 40; i++) {
        const candidate = Buffer.from(base);
        const noise = randomBytes(16);
        // Keep a random number of leading bits, so that some candidates fall inside and some just outside.
        const keep = Math.max(0, prefixBits - 4 + (i % 12));
        for (let bit = keep; bit < 128; bit++) {
          const byte = bit >> 3;
          const mask = 0x80 >> (bit & 7);
          candidate[byte] = ((candidate[byte] ?? 0) & ~mask) | ((noise[byte] ?? 0) & mask);
        }
        const inside = Array.from({ length: prefixBits }, (_, bit) => ((candidate[bit >> 3] ?? 0) ^ (base[bit >> 3] ?? 0)) & (0x80 >> (bit & 7))).every((x) => x === 0);
        const text = cidr.family === 'ipv4' ? Array.from(candidate.subarray(12)).join('.') : fullIpv6(candidate);
        if (cidr.family === 'ipv4' && !candidate.subarray(0, 12).equals(base.subarray(0, 12))) continue;
        expect(set.has(parseIp(text) ?? { address: '', family: 'ipv4' }), `${text} in ${cidr.address}/${cidr.prefix}`).toBe(inside);
      }
    }
  });
});

describe('classifyAddress', () => {
  it('says nothing about public addresses', () => {
    expect(classifyAddress({ address: '1.1.1.1', family: 'ipv4' })).toBeUndefined();
    expect(classifyAddress({ address: '2a00:1450:4001:80b::200e', family: 'ipv6' })).toBeUndefined();
  });
});
