import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { bearer, errorResponses } from '../../http/schemas.js';
import { requireAdmin } from '../authenticate.js';
import { AccessIdParams } from '../schemas.js';
import { createMember } from './create-member.js';
import { deleteMember } from './delete-member.js';
import { readMe } from './read-me.js';
import { readMember } from './read-member.js';
import { MEMBER_SCHEMAS, MemberListQuery, type MemberInput } from './schemas.js';
import { changeMemberEnabled } from './set-member-enabled.js';
import { listMembers } from './store.js';
import { editMember } from './update-member.js';

const tags = ['Members'];

/** Workspace members (administrators), and the caller's own view of themselves. */
export const memberRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of MEMBER_SCHEMAS) app.addSchema(schema);

  app.get('/me', {
    schema: { tags, summary: 'The caller: name, administrator or not, roles, groups, permissions', security: bearer, response: { 200: Type.Ref('Me'), ...errorResponses() } },
  }, async (request) => readMe(ctx, request.principal));

  app.get('/members', {
    schema: { tags, summary: 'List members by name', security: bearer, querystring: MemberListQuery, response: { 200: Type.Ref('MemberPage'), ...errorResponses(403) } },
  }, async (request) => {
    requireAdmin(request);
    const { page = 1, pageSize = 20, search, enabled } = request.query;
    return { ...(await listMembers(ctx.store.db, request.principal.workspaceId, { search, enabled, page, pageSize })), page, pageSize };
  });

  app.post<{ Body: MemberInput }>('/members', {
    schema: { tags, summary: 'Add a member', security: bearer, body: Type.Ref('MemberInput'), response: { 201: Type.Ref('Member'), ...errorResponses(403, 409) } },
  }, async (request, reply) => {
    requireAdmin(request);
    const member = await createMember(ctx, request.principal, request.body);
    void reply.status(201).header('location', `/api/v1/members/${member.id}`);
    return member;
  });

  app.get('/members/:id', {
    schema: { tags, summary: 'Read a member', security: bearer, params: AccessIdParams, response: { 200: Type.Ref('Member'), ...errorResponses(403, 404) } },
  }, async (request) => {
    requireAdmin(request);
    return readMember(ctx.store.db, request.principal.workspaceId, request.params.id);
  });

  app.put<{ Body: MemberInput; Params: { id: string } }>('/members/:id', {
    schema: { tags, summary: 'Edit a member (full replacement)', security: bearer, params: AccessIdParams, body: Type.Ref('MemberInput'), response: { 200: Type.Ref('Member'), ...errorResponses(403, 404, 409) } },
  }, async (request) => {
    requireAdmin(request);
    return editMember(ctx, request.principal, request.params.id, request.body);
  });

  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/members/:id/${action}`, {
      schema: { tags, summary: `${action === 'enable' ? 'Enable' : 'Disable'} a member (idempotent)`, security: bearer, params: AccessIdParams, response: { 200: Type.Ref('Member'), ...errorResponses(403, 404, 409) } },
    }, async (request) => {
      requireAdmin(request);
      return changeMemberEnabled(ctx, request.principal, request.params.id, enabled);
    });
  }

  app.delete('/members/:id', {
    schema: { tags, summary: 'Delete a member: revokes their tokens and removes their roles, groups and grants', security: bearer, params: AccessIdParams, response: { 204: Type.Null(), ...errorResponses(403, 404, 409) } },
  }, async (request, reply) => {
    requireAdmin(request);
    await deleteMember(ctx, request.principal, request.params.id);
    return reply.status(204).send(null);
  });
};
