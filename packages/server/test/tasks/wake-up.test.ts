import { expect, it, vi } from 'vitest';
import { describe } from 'vitest';
import { useTestApp } from '../support/test-app.js';
import { createTask, createTaskWebhook, runner, seedAudience, taskBody } from './support.js';

/** Lets a started runner finish the first round it runs at start (which finds nothing to do). */
const firstRoundDone = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('Tasks: a task created in this process starts at once', () => {
  const t = useTestApp('sqlite');

  it('wakes the sleeping runner instead of waiting for its next poll', async () => {
    const webhook = await createTaskWebhook(t());
    const audience = await seedAudience(t(), 30);
    // A poll an hour away: only the wake-up can start the task within this test.
    const r = runner(t(), { pollIntervalMs: 3_600_000 });
    r.start();
    try {
      await firstRoundDone();
      const task = await createTask(t(), taskBody(audience, webhook));
      await vi.waitFor(
        async () => {
          const row = await t().ctx.store.db.selectFrom('tasks').select(['users_enqueued', 'status']).where('id', '=', task.id).executeTakeFirstOrThrow();
          expect(row).toMatchObject({ users_enqueued: 30, status: 'sending' });
        },
        { timeout: 10_000, interval: 50 },
      );
    } finally {
      await r.stop();
    }
  });
});
