import { describe, expect, it } from 'vitest';
import { loadConfig, type RetentionConfig } from '../../src/config.js';
import { encodeEntries, ENTRY_SEPARATOR } from '../../src/receipts/receipt-entries.js';
import { sweepRetention } from '../../src/retention/sweep-retention.js';
import type { TestApp } from '../support/test-app.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createWebhook, enqueue, isolateWebhooks, WORKSPACE } from '../delivery/support.js';

const DAY = 86_400_000;
const RETENTION: RetentionConfig = { payloadsMs: 7 * DAY, logsMs: 30 * DAY, receiptsMs: 90 * DAY, sweepIntervalMs: 60_000 };

/** Marks a batch finished (or not) at `at`, with one attempt row started then and one receipt received then. */
async function age(t: TestApp, batchId: string, actionId: string, status: string, at: number): Promise<void> {
  const db = t.ctx.store.db;
  await db.updateTable('delivery_batches').set({ status, finished_at: status === 'pending' ? null : at, updated_at: at }).where('id', '=', batchId).execute();
  await db.insertInto('delivery_attempts').values({ batch_id: batchId, attempt: 1, started_at: at, latency_ms: 5, success: 1, retryable: 0, http_status: 200, code: 'OK', message: '', error: null }).execute();
  await db.insertInto('batch_receipts').values({ batch_id: batchId, received_at: at, report: `r-${actionId}`, for_journey: null, entries: encodeEntries([actionId, `m-${actionId}`, '200', '1']) }).execute();
}

/** Enqueues batches as if made at `at` (their ids carry that time), then puts the clock back. */
async function enqueueMadeAt(t: TestApp, webhookId: string, sizes: number[], at: number) {
  const now = t.clock.now();
  t.clock.set(at);
  try {
    return await enqueue(t, webhookId, sizes);
  } finally {
    t.clock.set(now);
  }
}

async function testSend(t: TestApp, webhookId: string, id: string, at: number): Promise<void> {
  await t.ctx.store.db.insertInto('test_sends').values({
    id, workspace_id: WORKSPACE, webhook_id: webhookId, member_id: 'mem_admin', id_type: 'OPEN_ID', target_id: 'o', success: 1,
    http_status: 200, code: 'OK', message: '', error: null, latency_ms: 3, log: '{}', created_at: at,
  }).execute();
}

const ids = async (t: TestApp, table: 'delivery_bodies' | 'delivery_batches' | 'delivery_messages') =>
  (await t.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

describeEachDialect('retention sweep', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);

  it('purges old payloads, attempts, test sends and receipts, and keeps batches, users and everything recent', async () => {
    const now = t().clock.now();
    const webhookId = await createWebhook(t(), 'http://127.0.0.1:9/hook');
    const [old, recent, oldPending, oldFailed] = await enqueueMadeAt(t(), webhookId, [2, 2, 2, 2], now - 100 * DAY);
    await age(t(), old!.batchId, old!.actionIds[0]!, 'succeeded', now - 100 * DAY);
    await age(t(), recent!.batchId, recent!.actionIds[0]!, 'succeeded', now - 1 * DAY);
    await age(t(), oldPending!.batchId, oldPending!.actionIds[0]!, 'pending', now - 8 * DAY);
    await age(t(), oldFailed!.batchId, oldFailed!.actionIds[0]!, 'failed', now - 10 * DAY);
    await testSend(t(), webhookId, 'ts_old', now - 31 * DAY);
    await testSend(t(), webhookId, 'ts_new', now - 29 * DAY);

    const result = await sweepRetention(t().ctx.store, RETENTION, now);
    expect(result).toEqual({ payloads: 2, attempts: 1, testSends: 1, receipts: 1 });

    const db = t().ctx.store.db;
    expect((await db.selectFrom('delivery_bodies').select('batch_id').orderBy('batch_id').execute()).map((r) => r.batch_id))
      .toEqual([recent!.batchId, oldPending!.batchId].sort());
    expect((await db.selectFrom('delivery_attempts').select('batch_id').execute()).map((r) => r.batch_id).sort())
      .toEqual([recent!.batchId, oldPending!.batchId, oldFailed!.batchId].sort());
    expect((await db.selectFrom('test_sends').select('id').execute()).map((r) => r.id)).toEqual(['ts_new']);
    expect((await db.selectFrom('batch_receipts').select('entries').execute()).map((r) => r.entries.split(ENTRY_SEPARATOR)[0]).sort())
      .toEqual([recent!.actionIds[0], oldPending!.actionIds[0], oldFailed!.actionIds[0]].sort());
    // Batch rows and their users stay, so counts outlive payloads.
    expect(Number(await ids(t(), 'delivery_batches'))).toBe(4);
    expect(Number(await ids(t(), 'delivery_messages'))).toBe(8);

    // A second sweep finds nothing more.
    expect(await sweepRetention(t().ctx.store, RETENTION, now)).toEqual({ payloads: 0, attempts: 0, testSends: 0, receipts: 0 });
  });

  it('deletes at most limit x rounds per kind and sweep, and drains the rest later', async () => {
    const now = t().clock.now();
    const webhookId = await createWebhook(t(), 'http://127.0.0.1:9/hook');
    const batches = await enqueueMadeAt(t(), webhookId, [1, 1, 1, 1, 1], now - 200 * DAY);
    for (const b of batches) await age(t(), b.batchId, b.actionIds[0]!, 'succeeded', now - 200 * DAY);
    const bounds = { limit: 2, rounds: 2 };
    expect(await sweepRetention(t().ctx.store, RETENTION, now, bounds)).toEqual({ payloads: 4, attempts: 4, testSends: 0, receipts: 4 });
    expect(await sweepRetention(t().ctx.store, RETENTION, now, bounds)).toEqual({ payloads: 1, attempts: 1, testSends: 0, receipts: 1 });
  });

  it('keeps everything of a kind set to off', async () => {
    const now = t().clock.now();
    const webhookId = await createWebhook(t(), 'http://127.0.0.1:9/hook');
    const [b] = await enqueueMadeAt(t(), webhookId, [1], now - 400 * DAY);
    await age(t(), b!.batchId, b!.actionIds[0]!, 'succeeded', now - 400 * DAY);
    const off = { ...RETENTION, payloadsMs: null, receiptsMs: null };
    expect(await sweepRetention(t().ctx.store, off, now)).toEqual({ payloads: 0, attempts: 1, testSends: 0, receipts: 0 });
  });

  it('refuses to re-send a batch whose body was purged', async () => {
    const now = t().clock.now();
    const webhookId = await createWebhook(t(), 'http://127.0.0.1:9/hook');
    const [b] = await enqueue(t(), webhookId, [1]);
    await age(t(), b!.batchId, b!.actionIds[0]!, 'failed', now - 8 * DAY);
    await sweepRetention(t().ctx.store, RETENTION, now);
    const res = await t().request('POST', `/api/v1/deliveries/${b!.batchId}/retry`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('DELIVERY_PAYLOAD_PURGED');
    expect((await t().ctx.store.db.selectFrom('delivery_batches').select('status').where('id', '=', b!.batchId).executeTakeFirstOrThrow()).status).toBe('failed');
  });
});

describe('retention configuration', () => {
  it('reads durations, off, and refuses anything else with the variable named', () => {
    const config = loadConfig({ HOOKREACH_RETAIN_PAYLOADS: '12h', HOOKREACH_RETAIN_LOGS: 'off', HOOKREACH_RETAIN_RECEIPTS: '365d' }, '/tmp');
    expect(config.retention).toEqual({ payloadsMs: 12 * 3_600_000, logsMs: null, receiptsMs: 365 * DAY, sweepIntervalMs: 60_000 });
    expect(loadConfig({}, '/tmp').retention).toEqual(RETENTION);
    expect(() => loadConfig({ HOOKREACH_RETAIN_RECEIPTS: 'forever', HOOKREACH_RETENTION_INTERVAL: 'off' }, '/tmp')).toThrow(
      /HOOKREACH_RETAIN_RECEIPTS must be one duration[\s\S]*HOOKREACH_RETENTION_INTERVAL must be one duration such as 30s, 12h or 7d \(got "off"\)/,
    );
  });
});
