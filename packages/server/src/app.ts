import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { authenticate } from './access/authenticate.js';
import { accessRoutes } from './access/routes.js';
import type { AppContext } from './context.js';
import { frameworkErrors, installErrorHandling } from './http/error-handler.js';
import { registerOpenApi } from './http/openapi.js';
import { buildValidator } from './http/validation.js';
import { auditRoutes } from './audit/routes.js';
import { deliveryRoutes } from './delivery/routes.js';
import { testSendRoutes } from './delivery/test-send/routes.js';
import { healthRoutes } from './health/routes.js';
import { receiptRoutes } from './receipts/routes.js';
import { idTypeRoutes } from './id-types/routes.js';
import { parameterRoutes } from './parameters/routes.js';
import { webhookRoutes } from './webhooks/routes.js';

/** Options of the HTTP layer that are not configuration (logging differs between server and tests). */
export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
}

/** Builds the Fastify application: health, OpenAPI docs, and every feature under /api/v1. */
export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: ctx.config.bodyLimit,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
    frameworkErrors,
    schemaController: { compilersFactory: { buildValidator: buildValidator as never } },
  });
  // The API speaks JSON only; Fastify's default text/plain parser would let text bodies through.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app, ctx.config.bodyLimit);
  await registerOpenApi(app);
  await app.register(healthRoutes, { ctx });
  // The receipts endpoint is the integrator's: signed like webhooks, no Bearer token, the document's path.
  await app.register(receiptRoutes, { ctx });
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate(ctx.store, ctx.clock));
      await api.register(idTypeRoutes, { ctx });
      await api.register(parameterRoutes, { ctx });
      await api.register(webhookRoutes, { ctx });
      await api.register(testSendRoutes, { ctx });
      await api.register(deliveryRoutes, { ctx });
      await api.register(accessRoutes, { ctx });
      await api.register(auditRoutes, { ctx });
    },
    { prefix: '/api/v1' },
  );
  return app;
}
