import type { Dispatcher } from '../../src/delivery/dispatcher.js';
import { TaskRunner, type TaskRunnerOptions } from '../../src/tasks/task-runner.js';
import type { TestApp } from '../support/test-app.js';
import { dispatcher as newDispatcher, KEY } from '../delivery/support.js';

export { KEY };
import { expectStatus, type Parsed } from '../support/test-app.js';

export { expectStatus };
export { seedAudience, type SeedUser } from '../support/audiences.js';

/** An enabled webhook with a required string parameter `coupon`, a text parameter `content` and receipts (200/FAIL). */
export async function createTaskWebhook(t: TestApp, url = 'http://127.0.0.1:9/hook', overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request('POST', '/api/v1/webhooks', {
    name: `Task hook ${Math.random().toString(36).slice(2, 8)}`,
    authMethod: 'key',
    key: KEY,
    url,
    idTypes: ['OPEN_ID', 'MOBILE'],
    parameters: [
      { name: 'coupon', displayName: 'Coupon', type: 'string', required: true },
      { name: 'content', displayName: 'Content', type: 'text' },
    ],
    receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Success' }, { code: 'FAIL', value: 'Failed' }] },
    ...overrides,
  });
  return expectStatus(res, 201).id;
}

/** A valid task body for the webhook of `createTaskWebhook`. */
export function taskBody(audienceId: string, webhookId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Coupon drop',
    audienceId,
    webhookId,
    idType: 'OPEN_ID',
    batchSize: 100,
    params: { coupon: 'C-42', content: 'Hello ${name}' },
    missingVariable: 'skip',
    schedule: { type: 'now' },
    ...overrides,
  };
}

/** Creates a task through the API; returns it. */
export async function createTask(t: TestApp, body: Record<string, unknown>, token?: string): Promise<Parsed> {
  return expectStatus(await t.request('POST', '/api/v1/tasks', body, token), 201);
}

/** A runner over the test app's context and manual clock. */
export function runner(t: TestApp, options: Partial<TaskRunnerOptions> = {}): TaskRunner {
  return new TaskRunner({ ctx: t.ctx, runnerId: 'runner-a', pageSize: 50, ...options });
}

/** A dispatcher without jitter. */
export function dispatcher(t: TestApp): Dispatcher {
  return newDispatcher(t, { concurrency: 16 });
}

/** Runs the runner and the dispatcher until the task has ended (or `rounds` run out); returns the task's details. */
export async function runToEnd(t: TestApp, taskId: string, r: TaskRunner = runner(t), d: Dispatcher = dispatcher(t), rounds = 50): Promise<Parsed> {
  for (let i = 0; i < rounds; i++) {
    await r.runOnce();
    await d.drain();
    await r.runOnce();
    const details = expectStatus(await t.request('GET', `/api/v1/tasks/${taskId}`), 200);
    if (['finished', 'failed', 'cancelled'].includes(details.task.status)) return details;
    // Retries wait for their delay: move the clock on.
    t.clock.advance(60_000);
  }
  throw new Error(`task ${taskId} did not end`);
}

/** The users a receiver got, in arrival order: each body's user_profile and params. */
export function receivedUsers(bodies: readonly string[]): { customerId: string; targetId: string; params: Record<string, string> }[] {
  return bodies.flatMap((body) =>
    (JSON.parse(body) as { user_profile: { customer_id: string; target_id: string }; params: Record<string, string> }[]).map((m) => ({
      customerId: m.user_profile.customer_id,
      targetId: m.user_profile.target_id,
      params: m.params,
    })),
  );
}
