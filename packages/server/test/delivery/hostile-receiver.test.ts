import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_RESPONSE_BYTES } from '../../src/delivery/send-to-webhook.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { attemptRows, batchRow, createWebhook, dispatcher, enqueue, isolateWebhooks } from './support.js';

/** Bytes a streaming answer would send in all: far past what the engine may read. */
const HUGE = 50 * 1024 * 1024;

interface Hostile {
  url: string;
  hits: Map<string, number>;
  /** Bytes the /huge-stream answer managed to write before the engine hung up. */
  streamed: number;
  close(): Promise<void>;
}

/** A receiver misbehaving per path: resets, endless bodies, redirects to metadata addresses, garbage, dripping. */
async function hostileReceiver(): Promise<Hostile> {
  const hostile: Hostile = { url: '', hits: new Map(), streamed: 0, close: async () => {} };
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    res.on('error', () => {});
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      hostile.hits.set(path, (hostile.hits.get(path) ?? 0) + 1);
      switch (path) {
        case '/reset-mid-answer':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"code":"O');
          setTimeout(() => req.socket.destroy(), 10);
          return;
        case '/reset-at-once':
          req.socket.destroy();
          return;
        case '/huge-stream': {
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          const pump = () => {
            while (hostile.streamed < HUGE && !res.destroyed) {
              hostile.streamed += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', pump);
            }
            res.end();
          };
          pump();
          return;
        }
        case '/huge-declared':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(100 * 1024 * 1024) });
          res.write('{');
          return;
        case '/redirect-private':
          res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
          res.end('{}');
          return;
        case '/garbage':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x22, 0x63]));
          return;
        case '/drip': {
          res.writeHead(200, { 'content-type': 'application/json' });
          const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 100);
          timers.add(timer);
          return;
        }
        default:
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"code":"OK","message":""}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hostile.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hostile.close = async () => {
    for (const timer of timers) clearInterval(timer);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return hostile;
}

const lastError = (row: { last_error: string | null }) => JSON.parse(row.last_error ?? '{}') as { error?: string; httpStatus?: number };

describeEachDialect('a hostile receiver', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);
  let hostile: Hostile;
  beforeAll(async () => {
    hostile = await hostileReceiver();
  });
  afterAll(() => hostile.close());

  it('is survived: every misbehaviour is classified, no body is read past its cap, and delivery goes on', async () => {
    const cases = [
      { path: '/reset-mid-answer', status: 'pending', error: /closed or reset|terminated|socket/i },
      { path: '/reset-at-once', status: 'pending', error: /closed or reset|socket/i },
      { path: '/huge-stream', status: 'failed', error: new RegExp(`exceeds ${MAX_RESPONSE_BYTES} bytes`) },
      { path: '/huge-declared', status: 'failed', error: new RegExp(`\\(104857600 bytes\\) exceeds ${MAX_RESPONSE_BYTES} bytes`) },
      { path: '/redirect-private', status: 'failed', httpStatus: 302 },
      { path: '/garbage', status: 'failed', httpStatus: 200, error: /not JSON|JSON/ },
      { path: '/drip', status: 'pending', error: /no complete answer within 1000 ms/ },
    ];
    const batches = new Map<string, string>();
    for (const c of cases) {
      const webhookId = await createWebhook(t(), `${hostile.url}${c.path}`, { delivery: { timeoutMs: 1000 } });
      const [batch] = await enqueue(t(), webhookId, [3]);
      batches.set(c.path, batch!.batchId);
    }
    const engine = dispatcher(t());
    expect(await engine.runOnce()).toBe(cases.length);

    for (const c of cases) {
      const row = await batchRow(t(), batches.get(c.path)!);
      expect(row.status, c.path).toBe(c.status);
      expect(row.lease_owner, c.path).toBeNull();
      const error = lastError(row);
      if (c.error) expect(error.error, c.path).toMatch(c.error);
      if (c.httpStatus) expect(error.httpStatus, c.path).toBe(c.httpStatus);
      const [attempt, ...more] = await attemptRows(t(), batches.get(c.path)!);
      expect(more, c.path).toEqual([]);
      expect(attempt!.retryable, c.path).toBe(c.status === 'pending' ? 1 : 0);
      expect(hostile.hits.get(c.path), c.path).toBe(1);
    }
    // The endless answer was cut off long before its end (the socket buffers hold a few MiB at most).
    expect(hostile.streamed).toBeLessThan(HUGE / 4);
    // Nothing followed the redirect: the receiver saw no second request anywhere.
    expect([...hostile.hits.values()].reduce((a, b) => a + b, 0)).toBe(cases.length);

    // The engine is still healthy: a well-behaved webhook is delivered by the same dispatcher.
    const good = await createWebhook(t(), `${hostile.url}/ok`);
    const [batch] = await enqueue(t(), good, [2]);
    expect(await engine.runOnce()).toBe(1);
    expect(await batchRow(t(), batch!.batchId)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});
