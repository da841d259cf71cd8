import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { notifyEnqueued } from './notify.js';
import { maxAttemptsOf } from './retry-policy.js';
import type { DeliveryBatch } from './schemas.js';
import { findDelivery, hasBody, requeueFinishedBatch } from './store.js';

/**
 * Re-sends a failed or cancelled batch on demand: pending now, attempts reset to a fresh budget,
 * the same body (so the same batchId and actionIds). DELIVERY_NOT_RETRYABLE for any other status,
 * DELIVERY_PAYLOAD_PURGED once retention removed the body.
 */
export async function retryDelivery(ctx: AppContext, principal: Principal, id: string): Promise<DeliveryBatch> {
  const now = ctx.clock.now();
  const maxAttempts = maxAttemptsOf(ctx.config.delivery.retryScheduleMs);
  // Undefined: no body to send (purged; only finished batches lose theirs).
  const requeued = await ctx.store.db.transaction().execute(async (trx) =>
    (await hasBody(trx, id)) ? requeueFinishedBatch(trx, principal.workspaceId, id, maxAttempts, now) : undefined,
  );
  const batch = await findDelivery(ctx.store.db, principal.workspaceId, id);
  if (!batch) throw errors.notFound('Delivery', id);
  if (requeued === undefined) throw errors.deliveryPayloadPurged(id);
  if (!requeued) throw errors.deliveryNotRetryable(batch.status);
  notifyEnqueued(ctx.store, [batch.webhookId]);
  return batch;
}
