import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { DeliveryAttempt, DeliveryBatch, DeliveryUser } from './schemas.js';
import { deliveryHistory, findDelivery } from './store.js';

/** A batch with every attempt and every user's status; NOT_FOUND outside the workspace. */
export async function readDelivery(ctx: AppContext, principal: Principal, id: string): Promise<{ batch: DeliveryBatch; attempts: DeliveryAttempt[]; users: DeliveryUser[] }> {
  const batch = await findDelivery(ctx.store.db, principal.workspaceId, id);
  if (!batch) throw errors.notFound('Delivery', id);
  return { batch, ...(await deliveryHistory(ctx.store.db, ctx.store.dialect, batch)) };
}
