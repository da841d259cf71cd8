import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { requireAdmin } from '../access/authenticate.js';
import type { AppContext } from '../context.js';
import { bearer, errorResponses } from '../http/schemas.js';
import { listAuditLog } from './list-audit-log.js';
import { AUDIT_SCHEMAS, AuditLogQuery } from './schemas.js';

/** The audit log: every configuration and grant change, for administrators. */
export const auditRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of AUDIT_SCHEMAS) app.addSchema(schema);

  app.get('/audit-log', {
    schema: {
      tags: ['Audit log'],
      summary: 'Configuration and grant changes, newest first (administrators)',
      security: bearer,
      querystring: AuditLogQuery,
      response: { 200: Type.Ref('AuditLogPage'), ...errorResponses(403) },
    },
  }, async (request) => {
    requireAdmin(request);
    return listAuditLog(ctx, request.principal, request.query);
  });
};
