import { assertHasPermission, usableWebhookIds } from '../access/may-use-webhook.js';
import { WEBHOOK_USE } from '../access/permissions.js';
import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import type { Task } from './model.js';
import type { TaskListQuery } from './schemas.js';
import { listTasks, toTask } from './store.js';

/** A page of tasks, newest first: all of them for an administrator, those of webhooks they may use now for anyone else. */
export async function listVisibleTasks(ctx: AppContext, principal: Principal, query: TaskListQuery): Promise<{ items: Task[]; total: number; page: number; pageSize: number }> {
  await assertHasPermission(ctx, principal, WEBHOOK_USE);
  const { page = 1, pageSize = 20, status, webhookId, audienceId, search } = query;
  const webhookIds = await usableWebhookIds(ctx, principal);
  const { rows, total } = await listTasks(ctx.store.db, principal.workspaceId, { status, webhookId, audienceId, search, webhookIds }, page, pageSize);
  const now = ctx.clock.now();
  return { items: rows.map((r) => toTask(r, now)), total, page, pageSize };
}
