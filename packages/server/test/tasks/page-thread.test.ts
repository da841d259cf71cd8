import { describe, expect, it } from 'vitest';
import { isolateWebhooks, useScriptedReceiver } from '../delivery/support.js';
import { useTestApp } from '../support/test-app.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { outboxCommonOf } from '../../src/delivery/build-batches.js';
import type { RosterEntry } from '../../src/delivery/roster.js';
import type { PageRequest, BuiltPage } from '../../src/tasks/build-page.js';
import { defaultPageSource, inlinePageSource, threadPageSource } from '../../src/tasks/page-source.js';
import { sendSpecOf } from '../../src/tasks/plan-page.js';
import { DEFAULT_TASK_LEASE_MS } from '../../src/tasks/task-runner.js';
import { createTask, createTaskWebhook, dispatcher, expectStatus, receivedUsers, runner, runToEnd, seedAudience, taskBody, type SeedUser } from './support.js';
import { bodyText } from '../../src/delivery/stored-body.js';

class Crash extends Error {}

/** 230 users: every 7th without an OPEN_ID, every 11th without a name (the variable), one name with quotes and non-ASCII text. */
const USERS: SeedUser[] = Array.from({ length: 230 }, (_, i) => ({
  customerId: `c${String(i).padStart(5, '0')}`,
  ids: (i % 7 === 3 ? { MOBILE: `138${i}` } : { OPEN_ID: `open-${i}` }) as Record<string, string>,
  attributes: (i % 11 === 5 ? {} : { name: i === 42 ? 'Zoë "the" 用户' : `User ${i}` }) as Record<string, string>,
}));

/** A page with its random batch and action ids replaced by their positions, so two builds of one page compare equal. */
function comparable(page: BuiltPage) {
  const chunk = page.chunk;
  if (!chunk) return { progress: page.progress, chunk: null };
  const batchAt = new Map(chunk.batchIds.map((id, i) => [id, i]));
  const rosters = chunk.rosters.map((roster) => JSON.parse(roster) as RosterEntry[]);
  const actionAt = new Map(rosters.flat().map((entry, i) => [entry[0], i]));
  const bodies = chunk.bodies.map((body) =>
    (JSON.parse(bodyText(body)) as { callback_params: { batchId: string; actionId: string } }[]).map((m) => ({ ...m, callback_params: { ...m.callback_params, batchId: batchAt.get(m.callback_params.batchId), actionId: actionAt.get(m.callback_params.actionId) } })),
  );
  return {
    progress: page.progress,
    chunk: { userCounts: chunk.userCounts, bodies, rosters: rosters.map((roster) => roster.map(([actionId, ...user]) => [actionAt.get(actionId), ...user])) },
  };
}

describe('Tasks: the page thread (SQLite on disk)', () => {
  const t = useTestApp('sqlite', {}, {}, { onDisk: true });
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('test');

  it('builds every page exactly as the event loop does: users, skips, variables, bodies and progress', async () => {
    const file = t().ctx.store.sqliteFile!;
    expect(file).toMatch(/hookreach\.sqlite$/);
    const audienceId = await seedAudience(t(), USERS);
    const spec = sendSpecOf({ idType: 'OPEN_ID', batchSize: 20, params: { coupon: 'C-42', content: 'Hello ${name}!' }, missingVariable: 'skip' }, new Set(['content']));
    const common = outboxCommonOf({ workspaceId: DEFAULT_WORKSPACE_ID, webhookId: 'wh_test', runKind: 'task', taskId: 'tsk_test' }, 5, t().clock.now());
    const inline = inlinePageSource(t().ctx.store.db, t().ctx.store.dialect);
    let onLoop = 0;
    const thread = threadPageSource(file, { ...inline, build: (r) => { onLoop++; return inline.build(r); } });
    try {
      let cursor: string | null = null;
      let pages = 0;
      let sent = 0;
      for (;;) {
        const request: PageRequest = { audienceId, cursor, pageSize: 50, spec, common };
        const [fromThread, fromLoop] = await Promise.all([thread.build(request), inline.build(request)]);
        expect(comparable(fromThread)).toEqual(comparable(fromLoop));
        pages++;
        sent += fromThread.progress.enqueued;
        if (fromThread.progress.last) break;
        cursor = fromThread.progress.cursor;
      }
      // 230 users, less 33 without an OPEN_ID and 18 more without a name.
      const skipped = USERS.filter((u, i) => i % 7 === 3 || i % 11 === 5).length;
      expect(sent).toBe(230 - skipped);
      // The first page is built on the event loop while the thread starts; the thread builds every other one.
      expect(onLoop).toBe(1);
      expect(pages).toBeGreaterThan(4);
    } finally {
      await thread.close();
    }
  });

  it('builds the first page on the event loop while a thread starts, and a page its thread fails to build; a thread closed or idle ends', async () => {
    const audienceId = await seedAudience(t(), USERS.slice(0, 30));
    const request = (cursor: string | null): PageRequest => ({
      audienceId, cursor, pageSize: 10,
      spec: sendSpecOf({ idType: 'OPEN_ID', batchSize: 5, params: { coupon: 'C-1' }, missingVariable: 'skip' }, new Set()),
      common: outboxCommonOf({ workspaceId: DEFAULT_WORKSPACE_ID, webhookId: 'wh_test', runKind: 'task', taskId: 'tsk_test' }, 5, 0),
    });
    const inline = inlinePageSource(t().ctx.store.db, t().ctx.store.dialect);
    const first = await inline.build(request(null));
    const second = await inline.build(request(first.progress.cursor));
    expect(first.progress.last).toBe(false);
    let onLoop = 0;
    const counting = { ...inline, build: (r: PageRequest) => { onLoop++; return inline.build(r); } };

    // A thread that cannot open its file: the page it owed is built on the event loop, and the failure told.
    const failures: string[] = [];
    const broken = threadPageSource('/nonexistent/hookreach.sqlite', counting, { onFailure: (error) => failures.push(error.message) });
    expect(comparable(await broken.build(request(null)))).toEqual(comparable(first));
    expect(onLoop).toBe(1);
    expect(comparable(await broken.build(request(first.progress.cursor)))).toEqual(comparable(second));
    expect(onLoop).toBe(2);
    expect(failures).toEqual([expect.stringMatching(/^page thread: .*directory does not exist/)]);
    await broken.close();

    // A one-page task never starts a thread.
    const thread = threadPageSource(t().ctx.store.sqliteFile!, counting, { idleMs: 50 });
    const whole = await thread.build({ ...request(null), pageSize: 50 });
    expect(whole.progress.last).toBe(true);
    expect(thread.threadRunning).toBe(false);
    onLoop = 0;
    try {
      expect(comparable(await thread.build(request(null)))).toEqual(comparable(first));
      expect(thread.threadRunning).toBe(true);
      expect(comparable(await thread.build(request(first.progress.cursor)))).toEqual(comparable(second));
      expect(onLoop).toBe(1);
      await thread.close();
      expect(thread.threadRunning).toBe(false);
      // Closed, then asked again: the event loop builds the page and a new thread starts.
      expect(comparable(await thread.build(request(null)))).toEqual(comparable(first));
      expect(comparable(await thread.build(request(first.progress.cursor)))).toEqual(comparable(second));
      expect(onLoop).toBe(2);
      // Idle, the thread ends (its heap goes back to the system).
      expect(thread.threadRunning).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(thread.threadRunning).toBe(false);
    } finally {
      await thread.close();
    }
  });

  it('a runner on a SQLite file builds on the thread; one that dies with a page built ahead loses nothing and sends nobody twice', async () => {
    const onDisk = defaultPageSource(t().ctx.store);
    expect(onDisk.ahead).toBe(true);
    await onDisk.close();
    const webhook = await createTaskWebhook(t(), receiver.url);
    const audience = await seedAudience(t(), USERS);
    const task = await createTask(t(), taskBody(audience, webhook, { batchSize: 20, params: { coupon: 'C-42', content: 'Hello ${name}!' } }));
    const d = dispatcher(t());
    // The page after the second is already being built when the runner dies.
    const dying = runner(t(), { runnerId: 'runner-dies', pageSize: 50, afterPage: (_id, pages) => { if (pages === 2) throw new Crash('killed'); } });
    await expect(dying.runOnce()).rejects.toBeInstanceOf(Crash);
    const mid = await t().ctx.store.db.selectFrom('tasks').select(['cursor', 'users_read']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(mid.users_read).toBeGreaterThan(0);

    const fresh = runner(t(), { runnerId: 'runner-fresh', pageSize: 50 });
    t().clock.advance(DEFAULT_TASK_LEASE_MS);
    const details = await runToEnd(t(), task.id, fresh, d);
    await fresh.stop();

    const expected = USERS.filter((_u, i) => i % 7 !== 3 && i % 11 !== 5);
    const users = receivedUsers(receiver.requests.map((r) => r.body));
    expect(users.map((u) => u.customerId).sort()).toEqual(expected.map((u) => u.customerId));
    expect(users.find((u) => u.customerId === 'c00042')?.params).toEqual({ coupon: 'C-42', content: 'Hello Zoë "the" 用户!' });
    expect(details.task.status).toBe('finished');
    expect(details.stats).toMatchObject({ read: 230, enqueued: expected.length, succeeded: expected.length, skipped: { noId: 33, missingVariable: 18 } });
    expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}`), 200);
  });
});
