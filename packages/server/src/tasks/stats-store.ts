import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** A task's batches of one status: how many, their users, and the users of those sent at least once. */
export interface BatchCount {
  status: string;
  batches: number;
  users: number;
  attempted: number;
}

/** A task's batches grouped by status: one pass over its (task_id, status, id) index range and rows. */
export async function countTaskBatches(db: Kysely<Database>, taskId: string): Promise<BatchCount[]> {
  const rows = await db
    .selectFrom('delivery_batches')
    .select((eb) => [
      'status',
      eb.fn.countAll<number>().as('batches'),
      eb.fn.coalesce(eb.fn.sum<number>('user_count'), sql.lit(0)).as('users'),
      sql<number>`coalesce(sum(case when attempts > 0 then user_count else 0 end), 0)`.as('attempted'),
    ])
    .where('task_id', '=', taskId)
    .groupBy('status')
    .execute();
  return rows.map((r) => ({ status: r.status, batches: Number(r.batches), users: Number(r.users), attempted: Number(r.attempted) }));
}

/** When the task's latest batch succeeded (receipts are accepted until that plus the webhook's retention), or null. */
export async function lastSucceededAt(db: Kysely<Database>, taskId: string): Promise<number | null> {
  const row = await db
    .selectFrom('delivery_batches')
    .select((eb) => eb.fn.max('finished_at').as('at'))
    .where('task_id', '=', taskId)
    .where('status', '=', 'succeeded')
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}
