import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { SignedQuery } from './check-signed-query.js';
import { judgeReceipts, type ReceiptInput, type Rejection } from './judge-receipts.js';
import { newReceipts } from './new-receipts.js';
import { purgeNoncesNowAndThen } from './purge-nonces.js';
import { addReceiptCounts, lockBatchReceipts, storedReceiptsOf } from './counts-store.js';
import { actionsByBatch, claimNonce, insertReceipts, isDeadlock, loadDeliveredMessages, loadReceiptWebhooks, type ReceiptWebhook } from './store.js';
import { verifyReportSignature } from './verify-signature.js';
import { raiseSignal } from '../shared/signals.js';

/** What became of a report's receipts: how many were accepted (repeats included), which were refused. */
export interface ReportOutcome {
  total: number;
  accepted: number;
  /** Accepted receipts stored for the first time (the others repeated a msg_id). */
  stored: number;
  rejected: Rejection[];
}

/** Tries of a report's transaction when PostgreSQL picks it as a deadlock victim. */
const MAX_ATTEMPTS = 3;

/** The report's transaction: claim the nonce, match the receipts, insert the new ones and count them. */
function storeReport(
  ctx: AppContext,
  nonce: string,
  nonceExpiresAt: number,
  receipts: readonly ReceiptInput[],
  named: ReadonlyMap<string, ReadonlySet<string>>,
  webhooks: ReadonlyMap<string, ReceiptWebhook>,
): Promise<ReportOutcome & { forJourneys: boolean }> {
  const { dialect } = ctx.store;
  return ctx.store.db.transaction().execute(async (trx) => {
    // Taken once the transaction holds the connection: on SQLite (one connection) receipts then arrive in the
    // order they commit, so a journey's look up to the newest one stored never passes one still to commit.
    const now = ctx.clock.now();
    if (!(await claimNonce(trx, dialect, nonce, nonceExpiresAt, now))) {
      throw errors.receiptUnauthorized(`nonce ${JSON.stringify(nonce)} was already used; send a new nonce with each report`);
    }
    const messages = await loadDeliveredMessages(trx, dialect, named);
    const { accepted, rejected } = judgeReceipts(receipts, webhooks, messages, now);
    // The batches of refused receipts too: locking and reading one more batch costs less than grouping again.
    await lockBatchReceipts(trx, dialect, [...named.keys()]);
    const { rows, counts } = newReceipts(accepted, await storedReceiptsOf(trx, dialect, named));
    await insertReceipts(trx, dialect, rows, now, nonce);
    await addReceiptCounts(trx, dialect, counts);
    const stored = rows.length;
    return { total: receipts.length, accepted: accepted.length, stored, rejected, forJourneys: stored > 0 && accepted.some((a) => a.message.fromJourney) };
  });
}

/**
 * Receives a receipt report whose timestamp and shape are already checked: authenticates it with
 * the named webhooks' keys, then in one transaction claims its nonce and stores the receipts that
 * match a sent message. Refused receipts are returned, not thrown; the valid ones are kept.
 */
export async function reportReceipts(ctx: AppContext, signed: SignedQuery, receipts: readonly ReceiptInput[]): Promise<ReportOutcome> {
  // The document's own sample is an empty report answered with Success: there is no webhook to check a key against.
  if (receipts.length === 0) return { total: 0, accepted: 0, stored: 0, rejected: [] };
  const now = ctx.clock.now();
  const webhooks = await loadReceiptWebhooks(ctx.store.db, ctx.store.dialect, [...new Set(receipts.map((r) => r.callback_params.webhook_id))]);
  verifyReportSignature(ctx, webhooks.values(), signed);
  await purgeNoncesNowAndThen(ctx.store, now);
  // The messages named, action ids by batch: what the transaction reads, locks and adds to.
  const named = actionsByBatch(receipts.map((r) => r.callback_params));
  const nonceExpiresAt = signed.timestampMs + ctx.config.receipts.timestampWindowSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const { forJourneys, ...outcome } = await storeReport(ctx, signed.nonce, nonceExpiresAt, receipts, named, webhooks);
      ctx.metrics.receiptReport({ stored: outcome.stored, repeated: outcome.accepted - outcome.stored, rejected: outcome.rejected.length });
      // A judgment waiting for these receipts decides its users at once.
      if (forJourneys) raiseSignal(ctx.store, 'journeys');
      return outcome;
    } catch (error) {
      // Two reports about the same messages at once can deadlock on PostgreSQL: the victim is rolled back whole, so retry it.
      if (attempt >= MAX_ATTEMPTS || !isDeadlock(error)) throw error;
    }
  }
}
