import type { Principal } from '../access/principal.js';
import { findAudience } from '../audiences/store.js';
import type { AppContext } from '../context.js';
import { countReceiptsByStatus } from '../receipts/counts-store.js';
import { findWebhook } from '../webhooks/store.js';
import type { Task } from './model.js';
import { readTaskFor } from './read-task.js';
import type { BatchCount } from './stats-store.js';
import { countTaskBatches, lastSucceededAt } from './stats-store.js';
import { toTask } from './store.js';

const HOUR_MS = 3_600_000;

/** What the task details page shows besides the task (schemas.ts TaskStats). */
export interface TaskStats {
  audienceSize: number;
  read: number;
  skipped: { noId: number; missingVariable: number };
  enqueued: number;
  sent: number;
  succeeded: number;
  failed: number;
  users: { pending: number; succeeded: number; failed: number; cancelled: number };
  batches: { total: number; pending: number; succeeded: number; failed: number; cancelled: number };
  receipts: { status: string; value: string | null; count: number; users: number }[];
  receiptWindow: { retentionHours: number; closesAt: string | null; remainingMs: number | null } | null;
}

/** Users and batches per status; a batch being sent counts as pending (users' status follows their batch). */
export function summariseBatches(counts: readonly BatchCount[]): Pick<TaskStats, 'users' | 'batches' | 'sent'> {
  const users = { pending: 0, succeeded: 0, failed: 0, cancelled: 0 };
  const batches = { total: 0, pending: 0, succeeded: 0, failed: 0, cancelled: 0 };
  let sent = 0;
  for (const c of counts) {
    const key = c.status === 'sending' ? 'pending' : (c.status as keyof typeof users);
    if (!(key in users)) continue;
    users[key] += c.users;
    batches[key] += c.batches;
    batches.total += c.batches;
    sent += c.attempted;
  }
  return { users, batches, sent };
}

/** A task with its stats: a handful of indexed queries whatever the audience size. */
export async function readTaskDetails(ctx: AppContext, principal: Principal, id: string): Promise<{ task: Task; stats: TaskStats }> {
  const row = await readTaskFor(ctx, principal, id);
  const db = ctx.store.db;
  const [counts, receipts, lastSent, record, audience] = await Promise.all([
    countTaskBatches(db, id),
    countReceiptsByStatus(ctx.store, { taskId: id }),
    lastSucceededAt(db, id),
    findWebhook(db, principal.workspaceId, row.webhook_id),
    row.audience_size === null ? findAudience(db, principal.workspaceId, row.audience_id) : undefined,
  ]);
  const now = ctx.clock.now();
  const { users, batches, sent } = summariseBatches(counts);
  const receipt = record?.webhook.receipt;
  const closesAt = receipt && lastSent !== null ? lastSent + receipt.retentionHours * HOUR_MS : null;
  return {
    task: toTask(row, now),
    stats: {
      audienceSize: row.audience_size ?? audience?.userCount ?? 0,
      read: row.users_read,
      skipped: { noId: row.skipped_no_id, missingVariable: row.skipped_missing_variable },
      enqueued: row.users_enqueued,
      sent,
      succeeded: users.succeeded,
      failed: users.failed,
      users,
      batches,
      receipts,
      receiptWindow: receipt?.enabled
        ? { retentionHours: receipt.retentionHours, closesAt: closesAt === null ? null : new Date(closesAt).toISOString(), remainingMs: closesAt === null ? null : Math.max(0, closesAt - now) }
        : null,
    },
  };
}
