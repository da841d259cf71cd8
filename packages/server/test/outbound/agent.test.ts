import diagnostics from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { createOutboundAgent } from '../../src/outbound/agent.js';
import type { HostLookup } from '../../src/outbound/guarded-connector.js';
import { callHttp, OutboundError } from '../../src/outbound/http-call.js';

// Nothing here leaves loopback: refusals happen before any socket exists. `socketsOpened` records the address
// each client socket (TLS ones included) tries to connect to.
const socketsOpened: string[] = [];
const onSocket = (message: unknown) => {
  (message as { socket: Socket }).socket.on('connectionAttempt', (ip: string) => socketsOpened.push(ip));
};
diagnostics.subscribe('net.client.socket', onSocket);
afterAll(() => diagnostics.unsubscribe('net.client.socket', onSocket));

/** A fake resolver: fixed answers per host name, and a record of the names asked. */
function fakeDns(answers: Record<string, string[]>): HostLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string) => {
    asked.push(hostname);
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(lookup, { asked });
}

async function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function failure(promise: Promise<unknown>): Promise<OutboundError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OutboundError);
  return error as OutboundError;
}

const get = (url: string, dispatcher: Dispatcher) => callHttp({ url, method: 'GET', headers: {}, timeoutMs: 2000, maxBodyBytes: 10_000, dispatcher });

describe('the SSRF guard with no allowlist', () => {
  const dns = fakeDns({
    'private.example': ['10.1.2.3'],
    'mixed.example': ['93.184.215.14', '2606:2800:21f::1', '192.168.1.20'],
    'metadata.example': ['fd00:ec2::254'],
  });
  const agent = createOutboundAgent({ allowNetworks: [], lookup: dns });
  afterAll(() => agent.close());
  afterEach(() => {
    expect(socketsOpened).toEqual([]);
  });

  it.each([
    ['http://127.0.0.1:9/', '127.0.0.1 is loopback'],
    ['http://[::1]:9/', '::1 is loopback'],
    ['http://[::ffff:127.0.0.1]:9/', '::ffff:7f00:1 (IPv4 127.0.0.1) is loopback'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is cloud metadata'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254 is cloud metadata'],
    ['http://10.0.0.1/', '10.0.0.1 is private'],
    ['http://100.64.0.1/', '100.64.0.1 is carrier-grade NAT'],
    ['http://224.0.0.1/', '224.0.0.1 is multicast'],
    ['http://0.0.0.0:9/', '0.0.0.0 is unspecified'],
    ['http://2130706433:9/', '127.0.0.1 is loopback'], // the URL parser turns the number into 127.0.0.1
    ['http://[64:ff9b::a9fe:a9fe]/', '64:ff9b::a9fe:a9fe (IPv4 169.254.169.254) is cloud metadata'],
    ['https://10.0.0.1/', '10.0.0.1 is private'],
  ])('refuses %s before connecting', async (url, what) => {
    const error = await failure(get(url, agent));
    expect(error.reason).toBe('network');
    expect(error.message).toBe(`refused by the SSRF guard: ${what} (allow it with HOOKREACH_ALLOW_NETWORKS)`);
  });

  it('refuses a host name whose DNS answer is private', async () => {
    const error = await failure(get('http://private.example/hook', agent));
    expect(error.message).toBe('refused by the SSRF guard: 10.1.2.3 is private (allow it with HOOKREACH_ALLOW_NETWORKS)');
    expect(dns.asked).toContain('private.example');
  });

  it('refuses a host whose answers mix public and private addresses, without trying the public one', async () => {
    const error = await failure(get('https://mixed.example/', agent));
    expect(error.message).toContain('192.168.1.20 is private');
  });

  it('refuses a DNS answer that is AWS metadata over IPv6', async () => {
    const error = await failure(get('http://metadata.example/', agent));
    expect(error.message).toContain('fd00:ec2::254 is cloud metadata');
  });

  it('reports an unknown host name as a resolution failure, not a refusal', async () => {
    const error = await failure(get('http://nowhere.example/', agent));
    expect(error.message).toBe('the host name could not be resolved (ENOTFOUND)');
  });

  it('refuses every request queued on the refused origin, and again on the next call', async () => {
    const errors = await Promise.all([1, 2, 3].map(() => failure(get('http://10.0.0.1/', agent))));
    for (const error of errors) expect(error.message).toContain('10.0.0.1 is private');
    expect((await failure(get('http://10.0.0.1/', agent))).message).toContain('10.0.0.1 is private');
  });
});

describe('the SSRF guard with 127.0.0.1/32 allowed', () => {
  let port = 0;
  let connections = 0;
  const hits: { url: string; host: string }[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ url: req.url ?? '', host: req.headers.host ?? '' });
    if (req.url === '/to-private') {
      res.writeHead(302, { location: 'http://10.0.0.1/steal' });
      return res.end();
    }
    if (req.url === '/to-local') {
      res.writeHead(302, { location: '/target' });
      return res.end();
    }
    res.end(`hello ${req.url}`);
  });
  server.on('connection', () => connections++);
  const dns = fakeDns({ 'hooks.example': ['127.0.0.1'], 'fallback.example': ['127.0.0.2', '127.0.0.1'], 'half.example': ['127.0.0.1', '127.0.0.2'] });
  let agent: Dispatcher;

  beforeAll(async () => {
    port = await listen(server);
    agent = createOutboundAgent({ allowNetworks: ['127.0.0.1/32'], lookup: dns });
  });
  afterAll(async () => {
    await agent.close();
    await close(server);
  });
  afterEach(() => {
    socketsOpened.length = 0;
  });

  it('reaches a local server through callHttp', async () => {
    const result = await get(`http://127.0.0.1:${port}/hello`, agent);
    expect(result.status).toBe(200);
    expect(result.bodyText).toBe('hello /hello');
  });

  it('leaves no timer behind a finished call, and refuses at once with a signal already aborted', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    await get(`http://127.0.0.1:${port}/hello`, agent);
    expect(timers()).toBe(before);
    const stopped = AbortSignal.abort();
    const call = callHttp({ url: `http://127.0.0.1:${port}/hello`, method: 'GET', headers: {}, timeoutMs: 2000, maxBodyBytes: 10_000, dispatcher: agent, signal: stopped });
    await expect(call).rejects.toMatchObject({ reason: 'aborted' });
    expect(timers()).toBe(before);
  });

  it('still refuses the rest of loopback', async () => {
    const error = await failure(get(`http://127.0.0.2:${port}/`, agent));
    expect(error.message).toContain('127.0.0.2 is loopback');
    expect((await failure(get(`http://[::1]:${port}/`, agent))).message).toContain('::1 is loopback');
  });

  it('connects to the checked address of a host name and keeps the name in the Host header', async () => {
    hits.length = 0;
    const result = await get(`http://hooks.example:${port}/named`, agent);
    expect(result.bodyText).toBe('hello /named');
    expect(hits).toEqual([{ url: '/named', host: `hooks.example:${port}` }]);
    expect(socketsOpened).toEqual(['127.0.0.1']);
  });

  it('refuses the whole host when one answer is not allowed, even if another is', async () => {
    const error = await failure(get(`http://half.example:${port}/`, agent));
    expect(error.message).toContain('127.0.0.2 is loopback');
    expect(socketsOpened).toEqual([]);
  });

  it('does not follow a redirect to a private address', async () => {
    hits.length = 0;
    const result = await get(`http://127.0.0.1:${port}/to-private`, agent);
    expect(result.status).toBe(302);
    expect(result.headers.location).toBe('http://10.0.0.1/steal');
    expect(hits.map((h) => h.url)).toEqual(['/to-private']);
    expect(socketsOpened.filter((a) => a !== '127.0.0.1')).toEqual([]);
  });

  it('does not follow a redirect at all, even to an allowed address', async () => {
    hits.length = 0;
    const result = await get(`http://127.0.0.1:${port}/to-local`, agent);
    expect(result.status).toBe(302);
    expect(hits.map((h) => h.url)).toEqual(['/to-local']);
  });

  it('keeps the connection alive: two sequential calls use one socket', async () => {
    const fresh = createOutboundAgent({ allowNetworks: ['127.0.0.1/32'] });
    try {
      const before = connections;
      expect((await get(`http://127.0.0.1:${port}/one`, fresh)).bodyText).toBe('hello /one');
      // undici hands a pipelining-1 connection back to the pool one event loop turn after the response (so a
      // server that closes despite keep-alive is noticed first); a call in that same turn would open another.
      await new Promise((resolve) => setImmediate(resolve));
      expect((await get(`http://127.0.0.1:${port}/two`, fresh)).bodyText).toBe('hello /two');
      expect(connections - before).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('tries the next checked address when one refuses the connection', async () => {
    // Both answers are loopback; the server listens on 127.0.0.1 only, so 127.0.0.2 refuses.
    const both = createOutboundAgent({ allowNetworks: ['127.0.0.0/8'], lookup: dns });
    try {
      const result = await get(`http://fallback.example:${port}/again`, both);
      expect(result.bodyText).toBe('hello /again');
      expect(socketsOpened).toEqual(['127.0.0.2', '127.0.0.1']);
    } finally {
      await both.close();
    }
  });
});

describe('HTTPS through the guard', () => {
  // A self-signed certificate for hookreach.test only (no IP in it), valid until 2126; test use only.
  const cert = readFileSync(new URL('./fixtures/hookreach-test.crt', import.meta.url), 'utf8');
  const key = readFileSync(new URL('./fixtures/hookreach-test.key', import.meta.url), 'utf8');
  const server = https.createServer({ cert, key }, (req, res) => res.end(`secure ${req.headers.host}`));
  const dns = fakeDns({ 'hookreach.test': ['127.0.0.1'], 'other.test': ['127.0.0.1'] });
  const agent = createOutboundAgent({ allowNetworks: ['127.0.0.1/32'], lookup: dns, ca: cert });
  let port = 0;

  beforeAll(async () => {
    port = await listen(server);
  });
  afterAll(async () => {
    await agent.close();
    await close(server);
  });

  it('verifies the certificate against the host name while connecting to the checked IP', async () => {
    const result = await get(`https://hookreach.test:${port}/`, agent);
    expect(result.bodyText).toBe(`secure hookreach.test:${port}`);
  });

  it('still rejects a certificate that does not name the host', async () => {
    const byName = await failure(get(`https://other.test:${port}/`, agent));
    expect(byName.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    const byIp = await failure(get(`https://127.0.0.1:${port}/`, agent));
    expect(byIp.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });
});

describe('createOutboundAgent', () => {
  it('refuses an allowlist entry that is not a CIDR range', () => {
    expect(() => createOutboundAgent({ allowNetworks: ['127.0.0.1'] })).toThrow('HOOKREACH_ALLOW_NETWORKS: "127.0.0.1" is not a CIDR range');
  });
});
