import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { requireAdmin } from '../access/authenticate.js';
import type { AppContext } from '../context.js';
import { bearer, errorResponses } from '../http/schemas.js';
import { readDelivery } from './read-delivery.js';
import { retryDelivery } from './retry-delivery.js';
import { DELIVERY_SCHEMAS, DeliveryIdParams, DeliveryListQuery } from './schemas.js';
import { listDeliveries } from './store.js';

const tags = ['Deliveries'];

/** Delivery records (administrators): batches by webhook, task, journey and status; one batch's attempts and users; re-send on demand. */
export const deliveryRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of DELIVERY_SCHEMAS) app.addSchema(schema);

  app.get('/deliveries', {
    schema: { tags, summary: 'List delivery batches, newest first', security: bearer, querystring: DeliveryListQuery, response: { 200: Type.Ref('DeliveryPage'), ...errorResponses(403) } },
  }, async (request) => {
    requireAdmin(request);
    const { page = 1, pageSize = 20, webhookId, taskId, journeyId, status } = request.query;
    return { ...(await listDeliveries(ctx.store, request.principal.workspaceId, { webhookId, taskId, journeyId, status }, page, pageSize)), page, pageSize };
  });

  app.get('/deliveries/:id', {
    schema: { tags, summary: 'One batch with its attempts and per-user statuses', security: bearer, params: DeliveryIdParams, response: { 200: Type.Ref('DeliveryDetail'), ...errorResponses(403, 404) } },
  }, async (request) => {
    requireAdmin(request);
    return readDelivery(ctx, request.principal, request.params.id);
  });

  app.post('/deliveries/:id/retry', {
    schema: {
      tags,
      summary: 'Re-send a failed or cancelled batch now (same batchId and actionIds, fresh attempts)',
      security: bearer,
      params: DeliveryIdParams,
      response: { 200: Type.Ref('DeliveryBatch'), ...errorResponses(403, 404, 409) },
    },
  }, async (request) => {
    requireAdmin(request);
    return retryDelivery(ctx, request.principal, request.params.id);
  });
};
