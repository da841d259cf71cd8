import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { bearer, errorResponses } from '../../http/schemas.js';
import { requireAdmin } from '../authenticate.js';
import { PERMISSIONS } from '../permissions.js';
import { AccessIdParams } from '../schemas.js';
import { createRole } from './create-role.js';
import { removeRole } from './delete-role.js';
import { readRole } from './read-role.js';
import { ROLE_SCHEMAS, RoleListQuery, type RoleInput } from './schemas.js';
import { listRoles } from './store.js';
import { editRole } from './update-role.js';

const tags = ['Roles'];

/** Roles (administrators) and the catalogue of permissions they can hold (everyone). */
export const roleRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of ROLE_SCHEMAS) app.addSchema(schema);

  app.get('/permissions', {
    schema: { tags, summary: 'The permissions a role can hold', security: bearer, response: { 200: Type.Ref('PermissionList'), ...errorResponses() } },
  }, async () => ({ items: PERMISSIONS.map((p) => ({ ...p })) }));

  app.get('/roles', {
    schema: { tags, summary: 'List roles by name', security: bearer, querystring: RoleListQuery, response: { 200: Type.Ref('RolePage'), ...errorResponses(403) } },
  }, async (request) => {
    requireAdmin(request);
    const { page = 1, pageSize = 20, search } = request.query;
    return { ...(await listRoles(ctx.store.db, request.principal.workspaceId, search, page, pageSize)), page, pageSize };
  });

  app.post<{ Body: RoleInput }>('/roles', {
    schema: { tags, summary: 'Create a role', security: bearer, body: Type.Ref('RoleInput'), response: { 201: Type.Ref('Role'), ...errorResponses(403, 409) } },
  }, async (request, reply) => {
    requireAdmin(request);
    const role = await createRole(ctx, request.principal, request.body);
    void reply.status(201).header('location', `/api/v1/roles/${role.id}`);
    return role;
  });

  app.get('/roles/:id', {
    schema: { tags, summary: 'Read a role', security: bearer, params: AccessIdParams, response: { 200: Type.Ref('Role'), ...errorResponses(403, 404) } },
  }, async (request) => {
    requireAdmin(request);
    return readRole(ctx.store.db, request.principal.workspaceId, request.params.id);
  });

  app.put<{ Body: RoleInput; Params: { id: string } }>('/roles/:id', {
    schema: { tags, summary: 'Edit a role (full replacement)', security: bearer, params: AccessIdParams, body: Type.Ref('RoleInput'), response: { 200: Type.Ref('Role'), ...errorResponses(403, 404, 409) } },
  }, async (request) => {
    requireAdmin(request);
    return editRole(ctx, request.principal, request.params.id, request.body);
  });

  app.delete('/roles/:id', {
    schema: { tags, summary: 'Delete a role (its members lose it)', security: bearer, params: AccessIdParams, response: { 204: Type.Null(), ...errorResponses(403, 404) } },
  }, async (request, reply) => {
    requireAdmin(request);
    await removeRole(ctx, request.principal, request.params.id);
    return reply.status(204).send(null);
  });
};
