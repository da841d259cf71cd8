import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { bearer, errorResponses } from '../../http/schemas.js';
import { requireAdminOrSelf } from '../authenticate.js';
import { AccessIdParams } from '../schemas.js';
import { createToken } from './create-token.js';
import { listTokens } from './list-tokens.js';
import { revokeToken } from './revoke-token.js';
import { TOKEN_SCHEMAS, TokenParams, type TokenInput } from './schemas.js';

const tags = ['API tokens'];

/** A member's API tokens: the member themselves or an administrator creates, lists and revokes them. */
export const tokenRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of TOKEN_SCHEMAS) app.addSchema(schema);

  app.get('/members/:id/tokens', {
    schema: { tags, summary: 'A member\'s active tokens (prefix and last use; never the token)', security: bearer, params: AccessIdParams, response: { 200: Type.Ref('TokenList'), ...errorResponses(403, 404) } },
  }, async (request) => {
    requireAdminOrSelf(request, request.params.id);
    return listTokens(ctx, request.principal, request.params.id);
  });

  app.post<{ Body: TokenInput | undefined; Params: { id: string } }>('/members/:id/tokens', {
    schema: { tags, summary: 'Create a token (shown once in this answer)', security: bearer, params: AccessIdParams, body: Type.Ref('TokenInput'), response: { 201: Type.Ref('CreatedToken'), ...errorResponses(403, 404, 409) } },
    // The body is optional: a bodiless POST means "no label".
    preValidation: async (request) => {
      request.body ??= {};
    },
  }, async (request, reply) => {
    requireAdminOrSelf(request, request.params.id);
    const created = await createToken(ctx, request.principal, request.params.id, request.body ?? {});
    void reply.status(201).header('cache-control', 'no-store');
    return created;
  });

  app.delete('/members/:id/tokens/:tokenId', {
    schema: { tags, summary: 'Revoke a token (the next request with it answers 401)', security: bearer, params: TokenParams, response: { 204: Type.Null(), ...errorResponses(403, 404) } },
  }, async (request, reply) => {
    requireAdminOrSelf(request, request.params.id);
    await revokeToken(ctx, request.principal, request.params.id, request.params.tokenId);
    return reply.status(204).send(null);
  });
};
