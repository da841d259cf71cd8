import { describe, expect, it } from 'vitest';
import { clampRetryAfter, retryDelayMs } from '../../src/delivery/retry-policy.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp, type TestApp } from '../support/test-app.js';
import { closedPort } from '../support/net.js';
import { attemptRows, batchRow, createWebhook, dispatcher, enqueue, isolateWebhooks, bodyOf, deliveryUsers, OK, SHORT_SCHEDULE, useScriptedReceiver } from './support.js';

describe('retry policy', () => {
  it('takes the schedule entry of the failed attempt, moved by at most ±jitter', () => {
    const schedule = [5_000, 30_000, 120_000];
    expect(retryDelayMs(schedule, 1, 0.2, () => 0.5)).toBe(5_000);
    expect(retryDelayMs(schedule, 1, 0.2, () => 0)).toBe(4_000);
    expect(retryDelayMs(schedule, 1, 0.2, () => 1)).toBe(6_000);
    expect(retryDelayMs(schedule, 3, 0.2, () => 0.5)).toBe(120_000);
    // Past the end (a batch enqueued under a longer schedule), the last delay repeats.
    expect(retryDelayMs(schedule, 7, 0.2, () => 0.5)).toBe(120_000);
    expect(retryDelayMs([], 1, 0.2, () => 0.5)).toBe(0);
  });

  it('clamps Retry-After to [1 s, 1 h]', () => {
    expect(clampRetryAfter(0)).toBe(1_000);
    expect(clampRetryAfter(90_000)).toBe(90_000);
    expect(clampRetryAfter(86_400_000)).toBe(3_600_000);
  });
});

type Row = Awaited<ReturnType<typeof batchRow>>;
const lastError = (row: Row) => JSON.parse(row.last_error ?? 'null') as Record<string, unknown>;

describeEachDialect('dispatcher: retries', (dialect) => {
  const t = useTestApp(dialect, SHORT_SCHEDULE);
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('file');

  /** A webhook on the scripted receiver, one batch of `users` enqueued, and the receiver's request count so far. */
  async function oneBatch(app: TestApp, users = 2, webhook: Record<string, unknown> = {}) {
    const webhookId = await createWebhook(app, receiver.url, webhook);
    const [batch] = await enqueue(app, webhookId, [users]);
    return { webhookId, batch: batch!, from: receiver.requests.length };
  }

  it('retries a 500 after the first scheduled delay with the same body bytes, then succeeds', async () => {
    const { batch, from } = await oneBatch(t());
    receiver.script = (_r, i) => (i === from ? { status: 500, body: { code: 'DOWN', message: 'maintenance' } } : { body: { code: 'OK' } });
    const engine = dispatcher(t());
    const t0 = t().clock.now();

    expect(await engine.runOnce()).toBe(1);
    const failed = await batchRow(t(), batch.batchId);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, max_attempts: 4, next_attempt_at: t0 + 5_000, lease_owner: null });
    expect(lastError(failed)).toEqual({ at: t0, httpStatus: 500, code: 'DOWN', message: 'maintenance', error: 'HTTP status 500 is not 2xx' });
    expect((await deliveryUsers(t(), batch.batchId)).every((u) => u.status === 'pending')).toBe(true);

    t().clock.advance(4_999);
    expect(await engine.runOnce()).toBe(0);
    t().clock.advance(1);
    expect(await engine.runOnce()).toBe(1);

    const done = await batchRow(t(), batch.batchId);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, finished_at: t0 + 5_000 });
    const attempts = await attemptRows(t(), batch.batchId);
    expect(attempts.map((a) => [a.attempt, a.success, a.retryable, a.http_status, a.started_at])).toEqual([
      [1, 0, 1, 500, t0],
      [2, 1, 0, 200, t0 + 5_000],
    ]);
    // The receiver saw identical bodies (same batchId and actionIds), each signed afresh.
    const [first, second] = receiver.requests.slice(from);
    expect(second!.body).toBe(first!.body);
    expect(first!.body).toBe(await bodyOf(t(), batch.batchId));
    expect(second!.url).not.toBe(first!.url);
    expect(JSON.parse(first!.body)[0].callback_params.batchId).toBe(batch.batchId);
  });

  it('follows the schedule (5 s, 30 s, 2 min) and marks the batch failed with its last error when attempts run out', async () => {
    receiver.script = () => ({ status: 503, body: 'upstream unavailable' });
    const { batch } = await oneBatch(t());
    const engine = dispatcher(t());
    const t0 = t().clock.now();
    const expectedDue = [t0 + 5_000, t0 + 35_000, t0 + 155_000];
    for (const due of expectedDue) {
      expect(await engine.runOnce()).toBe(1);
      expect(await batchRow(t(), batch.batchId)).toMatchObject({ status: 'pending', next_attempt_at: due });
      t().clock.set(due - 1);
      expect(await engine.runOnce()).toBe(0);
      t().clock.set(due);
    }
    expect(await engine.runOnce()).toBe(1);
    const row = await batchRow(t(), batch.batchId);
    expect(row).toMatchObject({ status: 'failed', attempts: 4, finished_at: t0 + 155_000, lease_owner: null });
    expect(lastError(row)).toEqual({ at: t0 + 155_000, httpStatus: 503, error: 'HTTP status 503 is not 2xx' });
    expect((await deliveryUsers(t(), batch.batchId)).every((u) => u.status === 'failed' && u.sentAt === null)).toBe(true);
    expect((await attemptRows(t(), batch.batchId)).map((a) => a.http_status)).toEqual([503, 503, 503, 503]);
    t().clock.advance(3_600_000);
    expect(await engine.runOnce()).toBe(0);
  });

  it('applies ±20% jitter to the delay', async () => {
    receiver.script = () => ({ status: 502, body: {} });
    const low = await oneBatch(t());
    const t0 = t().clock.now();
    expect(await dispatcher(t(), { random: () => 0 }).runOnce()).toBe(1);
    expect((await batchRow(t(), low.batch.batchId)).next_attempt_at).toBe(t0 + 4_000);
  });

  it('honours Retry-After on 429 (seconds or an HTTP date), clamped to [1 s, 1 h]', async () => {
    // [header, the delay asked for, the delay used]
    const cases: [string, number, number][] = [
      ['120', 120_000, 120_000],
      ['0', 0, 1_000],
      ['999999', 999_999_000, 3_600_000],
      [new Date(t().clock.now() + 90_000).toUTCString(), 90_000, 90_000],
    ];
    for (const [retryAfter, asked, delay] of cases) {
      receiver.script = () => ({ status: 429, body: { code: 'SLOW_DOWN' }, headers: { 'retry-after': retryAfter } });
      const { batch } = await oneBatch(t());
      const t0 = t().clock.now();
      expect(await dispatcher(t()).runOnce()).toBe(1);
      const row = await batchRow(t(), batch.batchId);
      expect(row, retryAfter).toMatchObject({ status: 'pending', next_attempt_at: t0 + delay });
      expect(lastError(row)).toMatchObject({ httpStatus: 429, code: 'SLOW_DOWN', retryAfterMs: asked });
    }
  });

  it('treats a 2xx whose code is not OK, a 400 and a 3xx as final: failed after one attempt', async () => {
    const answers = [
      { status: 200, body: { code: 'E_QUOTA', message: 'daily quota used up' } },
      { status: 200, body: { code: 'ok' } },
      { status: 400, body: { code: 'BAD_BODY', message: 'no' } },
      { status: 302, body: {}, headers: { location: 'http://127.0.0.1:1/' } },
    ];
    for (const answer of answers) {
      receiver.script = () => answer;
      const { batch } = await oneBatch(t());
      const engine = dispatcher(t());
      expect(await engine.runOnce()).toBe(1);
      const row = await batchRow(t(), batch.batchId);
      expect(row, JSON.stringify(answer)).toMatchObject({ status: 'failed', attempts: 1 });
      expect(lastError(row).httpStatus).toBe(answer.status);
      const [attempt] = await attemptRows(t(), batch.batchId);
      expect(attempt).toMatchObject({ success: 0, retryable: 0, http_status: answer.status });
      expect((await deliveryUsers(t(), batch.batchId)).every((u) => u.status === 'failed')).toBe(true);
      t().clock.advance(3_600_000);
      expect(await engine.runOnce()).toBe(0);
    }
    const quota = await batchRow(t(), (await t().ctx.store.db.selectFrom('delivery_attempts').select('batch_id').where('code', '=', 'E_QUOTA').executeTakeFirstOrThrow()).batch_id);
    expect(lastError(quota)).toMatchObject({ code: 'E_QUOTA', message: 'daily quota used up' });
  });

  it('retries 408 and a refused connection', async () => {
    receiver.script = () => ({ status: 408, body: {} });
    const timeout = await oneBatch(t());
    expect(await dispatcher(t()).runOnce()).toBe(1);
    expect(await batchRow(t(), timeout.batch.batchId)).toMatchObject({ status: 'pending', attempts: 1 });

    const webhookId = await createWebhook(t(), `http://127.0.0.1:${await closedPort()}/hook`);
    const [refused] = await enqueue(t(), webhookId, [1]);
    const t0 = t().clock.now();
    expect(await dispatcher(t()).runOnce()).toBeGreaterThanOrEqual(1);
    const row = await batchRow(t(), refused!.batchId);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: t0 + 5_000 });
    expect(lastError(row).error).toMatch(/refused/);
  });

  it('times out a receiver that never answers after the webhook timeout (1 s), and retries', async () => {
    receiver.script = () => 'hang';
    const { batch } = await oneBatch(t(), 1, { delivery: { timeoutMs: 1000 } });
    const started = performance.now();
    expect(await dispatcher(t()).runOnce()).toBe(1);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2_000);
    const row = await batchRow(t(), batch.batchId);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(lastError(row).error).toBe('no complete answer within 1000 ms');
    const [attempt] = await attemptRows(t(), batch.batchId);
    expect(attempt!.latency_ms).toBeGreaterThanOrEqual(950);
    expect(attempt!.retryable).toBe(1);
  });

  it('re-sends a failed batch on demand: fresh attempts, same body, attempt numbers continue', async () => {
    receiver.script = () => ({ status: 500, body: {} });
    const { batch, from } = await oneBatch(t(), 3);
    const engine = dispatcher(t());
    for (let i = 0; i < 4; i++) {
      expect(await engine.runOnce()).toBe(1);
      t().clock.advance(3_600_000);
    }
    expect(await batchRow(t(), batch.batchId)).toMatchObject({ status: 'failed', attempts: 4 });

    receiver.script = OK;
    const res = await t().request('POST', `/api/v1/deliveries/${batch.batchId}/retry`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: batch.batchId, status: 'pending', attempts: 0, maxAttempts: 4, finishedAt: null, lastError: { httpStatus: 500 } });
    expect((await deliveryUsers(t(), batch.batchId)).every((u) => u.status === 'pending')).toBe(true);

    expect(await engine.runOnce()).toBe(1);
    expect(await batchRow(t(), batch.batchId)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect((await attemptRows(t(), batch.batchId)).map((a) => [a.attempt, a.success])).toEqual([[1, 0], [2, 0], [3, 0], [4, 0], [5, 1]]);
    const bodies = new Set(receiver.requests.slice(from).map((r) => r.body));
    expect(bodies.size).toBe(1);
    expect((await deliveryUsers(t(), batch.batchId)).every((u) => u.status === 'succeeded')).toBe(true);
  });
});
