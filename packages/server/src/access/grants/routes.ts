import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { bearer, errorResponses } from '../../http/schemas.js';
import { WebhookIdParams } from '../../webhooks/schemas.js';
import { requireAdmin } from '../authenticate.js';
import { listGrants } from './list-grants.js';
import { removeGrant } from './remove-grant.js';
import { GRANT_SCHEMAS, GrantParams, type GrantsInput } from './schemas.js';
import { setGrants } from './set-grants.js';

const tags = ['Grants'];

/** Who may use a webhook (administrators manage it): grants by member or by member group, each with a validity period. */
export const grantRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of GRANT_SCHEMAS) app.addSchema(schema);

  app.get('/webhooks/:id/grants', {
    schema: { tags, summary: 'A webhook\'s grants and their status now', security: bearer, params: WebhookIdParams, response: { 200: Type.Ref('WebhookGrants'), ...errorResponses(403, 404) } },
  }, async (request) => {
    requireAdmin(request);
    return listGrants(ctx, request.principal, request.params.id);
  });

  app.put<{ Body: GrantsInput; Params: { id: string } }>('/webhooks/:id/grants', {
    schema: {
      tags,
      summary: 'Replace a webhook\'s grants (all of one method)',
      description: 'The list is complete: grants left out are revoked. Granting by the other method revokes every grant of the first; `previousMethod`, `methodChanged` and `revoked` say so.',
      security: bearer,
      params: WebhookIdParams,
      body: Type.Ref('GrantsInput'),
      response: { 200: Type.Ref('GrantsChange'), ...errorResponses(403, 404) },
    },
  }, async (request) => {
    requireAdmin(request);
    return setGrants(ctx, request.principal, request.params.id, request.body);
  });

  app.delete('/webhooks/:id/grants/:grantId', {
    schema: { tags, summary: 'Remove one grant (effective on the member\'s next request)', security: bearer, params: GrantParams, response: { 204: Type.Null(), ...errorResponses(403, 404) } },
  }, async (request, reply) => {
    requireAdmin(request);
    await removeGrant(ctx, request.principal, request.params.id, request.params.grantId);
    return reply.status(204).send(null);
  });
};
