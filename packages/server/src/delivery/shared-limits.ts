import { sql, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { burstOf } from './token-bucket.js';

/** A webhook's limits, which hold across every worker process together. */
export interface SharedLimits {
  webhookId: string;
  maxConcurrency: number;
  /** 0: unlimited. */
  maxPerSecond: number;
}

/**
 * How many of `wanted` batches this worker may claim for a webhook now, with every worker counted
 * (PostgreSQL; call inside the claim's transaction). An advisory lock per webhook serialises the
 * webhook's claims until commit, so each worker sees the others' leases: concurrency is the
 * webhook's live leases (`sending`), and the rate comes from one token bucket row per webhook.
 * The tokens are taken here; `refundTokens` gives back what the claim did not use.
 */
export async function takeSharedCapacity(trx: Transaction<Database>, limits: SharedLimits, wanted: number, now: number): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`webhook:${limits.webhookId}`}, 0))`.execute(trx);
  const sending = await trx
    .selectFrom('delivery_batches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('webhook_id', '=', limits.webhookId)
    .where('status', '=', 'sending')
    .where('lease_expires_at', '>', now)
    .executeTakeFirstOrThrow();
  let allowed = Math.min(wanted, limits.maxConcurrency - Number(sending.n));
  if (allowed <= 0 || limits.maxPerSecond === 0) return Math.max(0, allowed);

  const burst = burstOf(limits.maxPerSecond);
  const row = await trx
    .insertInto('webhook_rate_buckets')
    .values({ webhook_id: limits.webhookId, tokens: burst, refilled_at: now })
    .onConflict((oc) => oc.column('webhook_id').doUpdateSet((eb) => ({ tokens: eb.ref('webhook_rate_buckets.tokens') })))
    .returning(['tokens', 'refilled_at'])
    .executeTakeFirstOrThrow();
  const elapsed = Math.max(0, now - Number(row.refilled_at));
  const tokens = Math.min(burst, Number(row.tokens) + (elapsed * limits.maxPerSecond) / 1000);
  allowed = Math.min(allowed, Math.floor(tokens));
  await trx
    .updateTable('webhook_rate_buckets')
    .set({ tokens: tokens - allowed, refilled_at: Math.max(now, Number(row.refilled_at)) })
    .where('webhook_id', '=', limits.webhookId)
    .execute();
  return allowed;
}

/** Gives back tokens taken by `takeSharedCapacity` for batches that were not claimed. */
export async function refundTokens(trx: Transaction<Database>, limits: SharedLimits, unused: number): Promise<void> {
  if (unused <= 0 || limits.maxPerSecond === 0) return;
  const burst = burstOf(limits.maxPerSecond);
  await trx
    .updateTable('webhook_rate_buckets')
    .set((eb) => ({ tokens: sql<number>`least(${burst}::double precision, ${eb.ref('tokens')} + ${unused})` }))
    .where('webhook_id', '=', limits.webhookId)
    .execute();
}
