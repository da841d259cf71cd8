import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAdmin } from '../access/authenticate.js';
import type { AppContext } from '../context.js';
import { bearer, errorResponses } from '../http/schemas.js';
import { setIdTypeEnabled } from './set-id-type-enabled.js';
import { listIdTypes } from './store.js';

const IdType = Type.Object(
  {
    code: Type.String({ description: 'Upper-case code sent as user_profile.target_type' }),
    displayName: Type.String(),
    enabled: Type.Boolean({ description: 'Only enabled types can be chosen as a webhook\'s send ID types' }),
    priority: Type.Integer(),
  },
  { $id: 'IdType', title: 'IdType' },
);

/** ID Type Management: list the types, enable or disable one. */
export const idTypeRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(IdType);

  app.get('/id-types', {
    schema: { tags: ['ID types'], summary: 'List ID types', security: bearer, response: { 200: Type.Object({ items: Type.Array(Type.Ref('IdType')) }), ...errorResponses() } },
  }, async (request) => ({ items: await listIdTypes(ctx.store, request.principal.workspaceId) }));

  app.patch('/id-types/:code', {
    schema: {
      tags: ['ID types'],
      summary: 'Enable or disable an ID type',
      security: bearer,
      params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 32 }) }),
      body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
      response: { 200: Type.Ref('IdType'), ...errorResponses(403, 404) },
    },
  }, async (request) => {
    requireAdmin(request);
    return setIdTypeEnabled(ctx, request.principal, request.params.code, request.body.enabled);
  });
};
