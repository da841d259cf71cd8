import type { UserMessageInput } from '@hookreach/protocol';
import { expect, it } from 'vitest';
import { enqueueBatches } from '../../src/delivery/enqueue.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createWebhook, isolateWebhooks, WORKSPACE } from './support.js';

/**
 * Issue 5 enqueues millions of users in one call: every batch and user must land, in one transaction.
 * The default run writes 2,000 batches (200,000 users); HOOKREACH_FULL_VOLUME=1 writes the full 10,000
 * (1,000,000 users). Its speed is measured by `npm run bench` (enqueue users/s), not asserted here:
 * tests do not time things.
 */
const BATCHES = process.env.HOOKREACH_FULL_VOLUME === '1' ? 10_000 : 2_000;

describeEachDialect('enqueueBatches volume', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);

  it(`enqueues ${BATCHES} batches of 100 users, every one of them`, async () => {
    const webhookId = await createWebhook(t(), 'http://127.0.0.1:9/hook');
    const batches: UserMessageInput[][] = [];
    for (let b = 0; b < BATCHES; b++) {
      const batch: UserMessageInput[] = new Array(100);
      for (let u = 0; u < 100; u++) {
        const n = b * 100 + u;
        batch[u] = { user_profile: { target_type: 'OPEN_ID', target_id: `open-${n}`, customer_id: `cst-${n}` }, params: { coupon: `C${n % 97}` } };
      }
      batches.push(batch);
    }
    const result = await enqueueBatches(t().ctx, { workspaceId: WORKSPACE, webhookId, runKind: 'task', taskId: 'task_big', batches });
    expect(result).toHaveLength(BATCHES);
    expect(new Set(result.flatMap((b) => b.actionIds)).size).toBe(BATCHES * 100);
    const db = t().ctx.store.db;
    const counted = await db.selectFrom('delivery_messages as m').innerJoin('delivery_batches as b', 'b.id', 'm.batch_id').select((eb) => eb.fn.countAll<number>().as('n')).where('b.webhook_id', '=', webhookId).executeTakeFirstOrThrow();
    expect(Number(counted.n)).toBe(BATCHES * 100);
    const bodies = await db.selectFrom('delivery_bodies as d').innerJoin('delivery_batches as b', 'b.id', 'd.batch_id').select((eb) => eb.fn.countAll<number>().as('n')).where('b.webhook_id', '=', webhookId).executeTakeFirstOrThrow();
    expect(Number(bodies.n)).toBe(BATCHES);
  }, 180_000);
});
