import { lookup as systemDnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { buildConnector } from 'undici';
import type { AddressPolicy, Refusal } from './address-policy.js';

/** The error code of a connection the SSRF guard refused; `callHttp` keeps the message of such an error. */
export const SSRF_REFUSED_CODE = 'HOOKREACH_SSRF_REFUSED';

/** A connection the SSRF guard would not open. undici fails the waiting requests with this very error. */
export class SsrfRefusedError extends Error {
  readonly code = SSRF_REFUSED_CODE;

  constructor(readonly refusal: Refusal) {
    const address = refusal.ipv4 ? `${refusal.address} (IPv4 ${refusal.ipv4})` : refusal.address;
    super(`refused by the SSRF guard: ${address} is ${refusal.category} (allow it with HOOKREACH_ALLOW_NETWORKS)`);
    this.name = 'SsrfRefusedError';
  }
}

/** Resolves a host name to all its addresses (like `dns.lookup` with `all: true`). */
export type HostLookup = (hostname: string) => Promise<readonly { address: string }[]>;

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), every answer. */
export const systemLookup: HostLookup = (hostname) => systemDnsLookup(hostname, { all: true });

// A failure to reach one address that another address of the same host may not share.
const TRY_NEXT_ADDRESS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Wraps undici's connector so that it only ever opens sockets to addresses the policy allows. It resolves
 * the host itself, refuses the whole host when ANY answer is refused, and hands the connector the checked IP
 * literal (no second lookup, so no DNS rebinding in between); TLS keeps the original host name for SNI and
 * certificate checks. Addresses are tried in resolver order until one accepts the connection.
 */
export function guardConnector(connect: buildConnector.connector, policy: AddressPolicy, lookup: HostLookup): buildConnector.connector {
  return (options, callback) => {
    checkedAddresses(options.hostname, policy, lookup).then(
      (addresses) => connectInTurn(connect, options, addresses, 0, callback),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
}

/** Every address the host name stands for, once all of them passed the policy; otherwise the first refusal. */
async function checkedAddresses(hostname: string, policy: AddressPolicy, lookup: HostLookup): Promise<string[]> {
  const literal = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const addresses = isIP(literal) ? [literal] : (await lookup(hostname)).map((answer) => answer.address);
  if (addresses.length === 0) throw Object.assign(new Error(`no address found for ${hostname}`), { code: 'ENOTFOUND' });
  for (const address of addresses) {
    const refusal = policy(address);
    if (refusal) throw new SsrfRefusedError(refusal);
  }
  return addresses;
}

function connectInTurn(
  connect: buildConnector.connector,
  options: buildConnector.Options,
  addresses: string[],
  index: number,
  callback: buildConnector.Callback,
): void {
  const address = addresses[index] as string;
  // undici would derive the same name from `host`; set it explicitly so no later change can make it the IP.
  const servername = options.servername || (isIP(options.hostname) ? undefined : options.hostname);
  try {
    connect({ ...options, hostname: address, ...(servername ? { servername } : {}) }, (error, socket) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (error && index + 1 < addresses.length && code !== undefined && TRY_NEXT_ADDRESS.has(code)) {
        connectInTurn(connect, options, addresses, index + 1, callback);
      } else if (error) {
        callback(error, null);
      } else {
        callback(null, socket as NonNullable<typeof socket>);
      }
    });
  } catch (error) {
    callback(error instanceof Error ? error : new Error(String(error)), null);
  }
}
