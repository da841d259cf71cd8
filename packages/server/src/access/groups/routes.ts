import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { bearer, errorResponses } from '../../http/schemas.js';
import { requireAdmin } from '../authenticate.js';
import { AccessIdParams } from '../schemas.js';
import { createGroup } from './create-group.js';
import { removeGroup } from './delete-group.js';
import { readGroup } from './read-group.js';
import { GROUP_SCHEMAS, GroupListQuery, type GroupInput } from './schemas.js';
import { listGroups } from './store.js';
import { editGroup } from './update-group.js';

const tags = ['Member groups'];

/** Workspace member groups (administrators): webhooks can be granted to a whole group. */
export const groupRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of GROUP_SCHEMAS) app.addSchema(schema);

  app.get('/member-groups', {
    schema: { tags, summary: 'List member groups by name', security: bearer, querystring: GroupListQuery, response: { 200: Type.Ref('MemberGroupPage'), ...errorResponses(403) } },
  }, async (request) => {
    requireAdmin(request);
    const { page = 1, pageSize = 20, search } = request.query;
    return { ...(await listGroups(ctx.store.db, request.principal.workspaceId, search, page, pageSize)), page, pageSize };
  });

  app.post<{ Body: GroupInput }>('/member-groups', {
    schema: { tags, summary: 'Create a member group', security: bearer, body: Type.Ref('GroupInput'), response: { 201: Type.Ref('MemberGroup'), ...errorResponses(403, 409) } },
  }, async (request, reply) => {
    requireAdmin(request);
    const group = await createGroup(ctx, request.principal, request.body);
    void reply.status(201).header('location', `/api/v1/member-groups/${group.id}`);
    return group;
  });

  app.get('/member-groups/:id', {
    schema: { tags, summary: 'Read a member group', security: bearer, params: AccessIdParams, response: { 200: Type.Ref('MemberGroup'), ...errorResponses(403, 404) } },
  }, async (request) => {
    requireAdmin(request);
    return readGroup(ctx.store.db, request.principal.workspaceId, request.params.id);
  });

  app.put<{ Body: GroupInput; Params: { id: string } }>('/member-groups/:id', {
    schema: { tags, summary: 'Edit a member group (full replacement)', security: bearer, params: AccessIdParams, body: Type.Ref('GroupInput'), response: { 200: Type.Ref('MemberGroup'), ...errorResponses(403, 404, 409) } },
  }, async (request) => {
    requireAdmin(request);
    return editGroup(ctx, request.principal, request.params.id, request.body);
  });

  app.delete('/member-groups/:id', {
    schema: { tags, summary: 'Delete a member group and its grants', security: bearer, params: AccessIdParams, response: { 204: Type.Null(), ...errorResponses(403, 404) } },
  }, async (request, reply) => {
    requireAdmin(request);
    await removeGroup(ctx, request.principal, request.params.id);
    return reply.status(204).send(null);
  });
};
