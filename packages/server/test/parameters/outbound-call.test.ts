import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { callHttp, OutboundError } from '../../src/outbound/http-call.js';

// A plain pool: these tests are about the call's bounds, not the SSRF guard.
const dispatcher = new Agent();
import { closedPort } from './support.js';

/** The generic bounded call the interface parameters use (and the delivery engine will). */
describe('callHttp', () => {
  let base = '';
  const server = http.createServer((req, res) => {
    res.on('error', () => {});
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      switch (req.url) {
        case '/echo':
          res.writeHead(201, { 'content-type': 'text/plain', 'x-seen-method': req.method ?? '' });
          return res.end(`${req.headers['x-test']}:${Buffer.concat(chunks).toString('utf8')}`);
        case '/exact':
          return res.end('x'.repeat(1000));
        case '/one-over':
          return res.end('x'.repeat(1001));
        case '/moved':
          res.writeHead(301, { location: '/echo' });
          return res.end('moved');
        case '/dribble': {
          // Headers at once, then a byte every 50 ms: no idle timeout fires, only the overall deadline can.
          res.writeHead(200);
          const timer = setInterval(() => res.write('.'), 50);
          res.on('close', () => clearInterval(timer));
          return;
        }
        case '/silent':
          return;
      }
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const call = (path: string, extra: Partial<Parameters<typeof callHttp>[0]> = {}) =>
    callHttp({ url: `${base}${path}`, headers: { 'x-test': 'hello', 'content-type': 'text/plain' }, body: 'payload', timeoutMs: 300, maxBodyBytes: 1000, dispatcher, ...extra });

  async function failure(promise: Promise<unknown>): Promise<OutboundError> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundError);
    return error as OutboundError;
  }

  it('POSTs the headers and body and returns status, headers and text', async () => {
    const result = await call('/echo');
    expect(result.status).toBe(201);
    expect(result.headers['x-seen-method']).toBe('POST');
    expect(result.bodyText).toBe('hello:payload');
  });

  it('reads a body of exactly the cap and refuses one byte more', async () => {
    expect((await call('/exact')).bodyText).toHaveLength(1000);
    const error = await failure(call('/one-over'));
    expect(error.reason).toBe('too-large');
    expect(error.message).toBe('the response body (1001 bytes) exceeds 1000 bytes');
  });

  it('returns a redirect as is, without following it', async () => {
    const result = await call('/moved');
    expect(result.status).toBe(301);
    expect(result.headers.location).toBe('/echo');
    expect(result.bodyText).toBe('moved');
  });

  it('ends a body that keeps dribbling at the overall deadline', async () => {
    const started = Date.now();
    const error = await failure(call('/dribble'));
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe('no complete answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('times out when no headers come', async () => {
    const error = await failure(call('/silent', { timeoutMs: 200 }));
    expect(error.reason).toBe('timeout');
  });

  it('reports a refused connection as a network failure', async () => {
    const port = await closedPort();
    const error = await failure(callHttp({ url: `http://127.0.0.1:${port}/`, headers: {}, timeoutMs: 300, maxBodyBytes: 10, dispatcher }));
    expect(error.reason).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = call('/silent', { timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await failure(pending);
    expect(error.reason).toBe('aborted');
  });
});
