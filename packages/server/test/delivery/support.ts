import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UserMessageInput } from '@hookreach/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { Dispatcher, type DispatcherOptions } from '../../src/delivery/dispatcher.js';
import { enqueueBatches, type EnqueuedBatch, type EnqueueInput } from '../../src/delivery/enqueue.js';
import type { DeliveryUser } from '../../src/delivery/schemas.js';
import type { DeliveryBatchRow } from '../../src/store/schema.js';
import type { TestApp } from '../support/test-app.js';
import { bodyText } from '../../src/delivery/stored-body.js';

export const WORKSPACE = DEFAULT_WORKSPACE_ID;
export const KEY = 'k3y-S3cret-value';
/** The test app's clock is not the wall clock; receivers that check timestamps must not mind. */
export const ANY_SKEW = 100 * 365 * 86_400;

/** Creates an enabled webhook through the API pointing at `url`; returns its id. */
export async function createWebhook(t: TestApp, url: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request('POST', '/api/v1/webhooks', {
    name: `Hook ${Math.random().toString(36).slice(2, 8)}`,
    authMethod: 'key',
    key: KEY,
    url,
    idTypes: ['OPEN_ID', 'MOBILE'],
    parameters: [{ name: 'coupon', displayName: 'Coupon', type: 'string' }],
    ...overrides,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** `count` users with distinct ids (`<prefix>-<n>`). */
export function users(count: number, prefix = 'u'): UserMessageInput[] {
  return Array.from({ length: count }, (_, i) => ({
    user_profile: { target_type: 'OPEN_ID', target_id: `${prefix}-open-${i}`, customer_id: `${prefix}-${i}` },
    params: { coupon: `C${i}` },
  }));
}

/** Enqueues batches of the given sizes for a task. */
export function enqueue(t: TestApp, webhookId: string, sizes: number[], extra: Partial<EnqueueInput> = {}): Promise<EnqueuedBatch[]> {
  return enqueueBatches(t.ctx, {
    workspaceId: WORKSPACE,
    webhookId,
    runKind: 'task',
    taskId: 'task_1',
    batches: sizes.map((n, i) => users(n, `b${i}`)),
    ...extra,
  });
}

/** A short retry schedule (3 retries, so 4 attempts) for apps built with `useTestApp(dialect, SHORT_SCHEDULE)`. */
export const SHORT_SCHEDULE = { HOOKREACH_RETRY_SCHEDULE: '5s,30s,2m' };

/** A dispatcher over the test app's context and manual clock, without jitter. */
export function dispatcher(t: TestApp, options: Partial<DispatcherOptions> = {}): Dispatcher {
  return new Dispatcher({ ctx: t.ctx, workerId: 'worker-a', random: () => 0.5, pollIntervalMs: 20, ...options });
}

export async function batchRow(t: TestApp, id: string): Promise<DeliveryBatchRow> {
  return t.ctx.store.db.selectFrom('delivery_batches').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function attemptRows(t: TestApp, id: string) {
  return t.ctx.store.db.selectFrom('delivery_attempts').selectAll().where('batch_id', '=', id).orderBy('attempt').execute();
}

/** The users of a batch as the deliveries API shows them (status and sentAt follow the batch). */
export async function deliveryUsers(t: TestApp, id: string): Promise<DeliveryUser[]> {
  const res = await t.request('GET', `/api/v1/deliveries/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { users: DeliveryUser[] }).users;
}

/** The exact body a batch sends. */
export async function bodyOf(t: TestApp, id: string): Promise<string> {
  const row = await t.ctx.store.db.selectFrom('delivery_bodies').select('body').where('batch_id', '=', id).executeTakeFirstOrThrow();
  return bodyText(row.body);
}

export async function messageRows(t: TestApp, id: string) {
  return t.ctx.store.db.selectFrom('delivery_messages').selectAll().where('batch_id', '=', id).orderBy('action_id').execute();
}

/** Disables every webhook after each test, so batches a test leaves behind never reach the next test's dispatcher. */
export function isolateWebhooks(t: () => TestApp): void {
  afterEach(async () => {
    await t().ctx.store.db.updateTable('webhooks').set((eb) => ({ enabled: 0, version: eb('version', '+', 1) })).where('enabled', '=', 1).execute();
  });
}

/** One request as a scripted receiver saw it. */
export interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Wall-clock time the request arrived (performance.now()). */
  at: number;
}

/** What a scripted receiver answers; `hang` never answers. */
export type Script = (request: Seen, index: number) => { status?: number; body?: unknown; headers?: Record<string, string>; delayMs?: number } | 'hang';

export interface ScriptedReceiver {
  url: string;
  requests: Seen[];
  /** Most requests in progress at the same time. */
  maxInFlight: number;
  inFlight: number;
  script: Script;
  close(): Promise<void>;
}

export const OK: Script = () => ({ body: { code: 'OK', message: '' } });

/**
 * A scripted receiver started before each test (`'test'`) or once for the file (`'file'`) and closed
 * after; the object returned stands for the current one, so tests read and script it as usual.
 */
export function useScriptedReceiver(per: 'test' | 'file'): ScriptedReceiver {
  let current: ScriptedReceiver | undefined;
  (per === 'test' ? beforeEach : beforeAll)(async () => {
    current = await scriptedReceiver();
  });
  (per === 'test' ? afterEach : afterAll)(async () => {
    await current?.close();
    current = undefined;
  });
  const now = (): ScriptedReceiver => {
    if (!current) throw new Error('the scripted receiver exists only inside the tests of its block');
    return current;
  };
  return new Proxy({} as ScriptedReceiver, {
    get: (_target, key) => {
      const value: unknown = Reflect.get(now(), key);
      return typeof value === 'function' ? value.bind(current) : value;
    },
    set: (_target, key, value) => Reflect.set(now(), key, value),
  });
}

/** A local receiver whose answers a test scripts (status, body, headers, delay, or no answer at all). */
export async function scriptedReceiver(script: Script = OK): Promise<ScriptedReceiver> {
  const timers = new Set<NodeJS.Timeout>();
  const receiver: ScriptedReceiver = {
    url: '',
    requests: [],
    maxInFlight: 0,
    inFlight: 0,
    script,
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    res.on('error', () => {});
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: Seen = { url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() };
      const index = receiver.requests.push(seen) - 1;
      receiver.inFlight++;
      receiver.maxInFlight = Math.max(receiver.maxInFlight, receiver.inFlight);
      const answer = receiver.script(seen, index);
      if (answer === 'hang') {
        res.on('close', () => receiver.inFlight--);
        return;
      }
      const reply = () => {
        receiver.inFlight--;
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? { code: 'OK', message: '' });
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
        res.end(text);
      };
      if (answer.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          reply();
        }, answer.delayMs);
        timers.add(timer);
      } else {
        reply();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = async () => {
    for (const timer of timers) clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}
