import { embeddedIpv4, NetworkSet, parseIp } from './cidr.js';
import { classifyAddress, type AddressCategory } from './ip-ranges.js';

/** Why the guard will not connect to an address. */
export interface Refusal {
  /** The address as resolved or written (zone id dropped). */
  address: string;
  /** The IPv4 address it stands for (IPv4-mapped, NAT64, 6to4), when that is what got it refused. */
  ipv4?: string;
  category: AddressCategory | 'not an IP address';
}

/** Decides for one address: undefined to connect, or the refusal. */
export type AddressPolicy = (address: string) => Refusal | undefined;

/**
 * The SSRF policy: refuse every non-public address unless `allowNetworks` holds it (or the IPv4 address it
 * carries). Throws at once when an allowlist entry is not a CIDR range, so a typo fails at startup.
 */
export function createAddressPolicy(allowNetworks: readonly string[]): AddressPolicy {
  const allowed = allowList(allowNetworks);
  return (address) => {
    const ip = parseIp(address);
    // Fail closed: what cannot be read as an address is not connected to.
    if (!ip) return { address, category: 'not an IP address' };
    const carried = embeddedIpv4(ip);
    if (allowed.has(ip) || (carried && allowed.has(carried))) return undefined;
    const found = classifyAddress(ip);
    return found && { address: ip.address, ...found };
  };
}

function allowList(cidrs: readonly string[]): NetworkSet {
  try {
    return new NetworkSet(cidrs);
  } catch (error) {
    throw new Error(`HOOKREACH_ALLOW_NETWORKS: ${(error as Error).message}`);
  }
}
