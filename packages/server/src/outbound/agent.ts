import { Agent, buildConnector, type Dispatcher } from 'undici';
import { createAddressPolicy } from './address-policy.js';
import { guardConnector, systemLookup, type HostLookup } from './guarded-connector.js';

/** Settings of the connection pool every outbound call (deliveries, test sends, interfaces) goes through. */
export interface OutboundAgentOptions {
  /** CIDR ranges that may be reached although private (the SSRF guard refuses them otherwise). */
  allowNetworks: string[];
  /** Resolves host names to all their addresses; the system resolver unless a test injects a fake one. */
  lookup?: HostLookup;
  /** Extra trusted certificate authorities (PEM), for tests against a local HTTPS server. */
  ca?: string;
}

/**
 * The shared keep-alive connection pool (one pool per origin) for outbound calls, behind the SSRF guard:
 * every socket goes to an address checked against the blocked ranges and the allowlist. Redirects are never
 * followed (undici's `request` does not; nothing here adds it). Throws when an allowlist entry is not a CIDR range.
 */
export function createOutboundAgent(options: OutboundAgentOptions): Dispatcher {
  const policy = createAddressPolicy(options.allowNetworks);
  const connector = buildConnector(options.ca === undefined ? {} : { ca: options.ca });
  const connect = guardConnector(connector, policy, options.lookup ?? systemLookup);
  return new Agent({ keepAliveTimeout: 30_000, connections: 128, pipelining: 1, connect });
}
