import { expect, it } from 'vitest';
import { isolateWebhooks, useScriptedReceiver } from '../delivery/support.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { DEFAULT_TASK_LEASE_MS } from '../../src/tasks/task-runner.js';
import { createTask, createTaskWebhook, dispatcher, expectStatus, receivedUsers, runner, runToEnd, seedAudience, taskBody } from './support.js';

class Crash extends Error {}

describeEachDialect('Tasks: restart resumes after the last enqueued page', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('test');

  it('a runner that dies between pages leaves its pages enqueued; a fresh runner resumes after them, sending nobody twice', async () => {
    const webhook = await createTaskWebhook(t(), receiver.url);
    const audience = await seedAudience(t(), 230);
    const task = await createTask(t(), taskBody(audience, webhook, { batchSize: 20 }));
    const d = dispatcher(t());
    const dying = runner(t(), { runnerId: 'runner-dies', pageSize: 50, afterPage: (_id, pages) => { if (pages === 2) throw new Crash('killed'); } });
    await expect(dying.runOnce()).rejects.toBeInstanceOf(Crash);
    // The first two pages' batches went out and finished before the "restart".
    await d.drain();
    const before = receiver.requests.length;
    // Pages of 50 in batches of 20: each page sends two full batches and leaves its last 10 users to the next.
    expect(before).toBe(4);
    const mid = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}`), 200);
    expect(mid.task.status).toBe('sending');
    expect(mid.stats).toMatchObject({ read: 80, enqueued: 80, succeeded: 80 });

    // While the dead runner's lease lasts, nobody takes the task over.
    const fresh = runner(t(), { runnerId: 'runner-fresh', pageSize: 50 });
    expect(await fresh.runOnce()).toMatchObject({ claimed: 0 });
    t().clock.advance(DEFAULT_TASK_LEASE_MS);
    const details = await runToEnd(t(), task.id, fresh, d);

    const users = receivedUsers(receiver.requests.map((r) => r.body));
    expect(users).toHaveLength(230);
    expect(new Set(users.map((u) => u.customerId)).size).toBe(230);
    expect(details.task.status).toBe('finished');
    expect(details.stats).toMatchObject({ read: 230, enqueued: 230, sent: 230, succeeded: 230, batches: { total: 12, succeeded: 12 } });
    const messages = await t().ctx.store.db
      .selectFrom('delivery_messages')
      .innerJoin('delivery_batches', 'delivery_batches.id', 'delivery_messages.batch_id')
      .select('delivery_messages.customer_id')
      .where('delivery_batches.task_id', '=', task.id)
      .execute();
    expect(messages).toHaveLength(230);
  });

  it('a page whose transaction fails writes neither batches nor cursor; the next round resumes from the same place', async () => {
    const webhook = await createTaskWebhook(t(), receiver.url);
    const audience = await seedAudience(t(), 120);
    const task = await createTask(t(), taskBody(audience, webhook, { batchSize: 50 }));
    // The webhook disappears from the workspace's view mid-run: the enqueue refuses and the page rolls back.
    const r = runner(t(), { pageSize: 50, afterPage: async (_id, pages) => { if (pages === 1) await t().ctx.store.db.updateTable('webhooks').set({ workspace_id: 'ws_elsewhere' }).where('id', '=', webhook).execute(); } });
    await t().ctx.store.db.insertInto('workspaces').values({ id: 'ws_elsewhere', name: 'Elsewhere', created_at: 0 }).onConflict((oc) => oc.column('id').doNothing()).execute();
    await expect(r.runOnce()).rejects.toThrow();
    const row = await t().ctx.store.db.selectFrom('tasks').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ cursor: 'c00049', users_read: 50, batches_enqueued: 1 });
    await t().ctx.store.db.updateTable('webhooks').set({ workspace_id: 'ws_default' }).where('id', '=', webhook).execute();
    t().clock.advance(DEFAULT_TASK_LEASE_MS);
    const details = await runToEnd(t(), task.id, runner(t(), { pageSize: 50 }));
    expect(details.stats).toMatchObject({ read: 120, enqueued: 120, succeeded: 120, batches: { total: 3 } });
    expect(new Set(receivedUsers(receiver.requests.map((q) => q.body)).map((u) => u.customerId)).size).toBe(120);
  });
});
