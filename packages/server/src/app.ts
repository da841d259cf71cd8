import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { authenticate } from './access/authenticate.js';
import { accessRoutes } from './access/routes.js';
import type { AppContext } from './context.js';
import { frameworkErrors, installErrorHandling } from './http/error-handler.js';
import { registerOpenApi } from './http/openapi.js';
import { buildValidator } from './http/validation.js';
import { auditRoutes } from './audit/routes.js';
import { consoleRoutes, DEFAULT_CONSOLE_DIR } from './console/routes.js';
import { audienceRoutes } from './audiences/routes.js';
import { deliveryRoutes } from './delivery/routes.js';
import { testSendRoutes } from './delivery/test-send/routes.js';
import { healthRoutes } from './health/routes.js';
import { metricsRoutes } from './metrics/routes.js';
import { receiptRoutes } from './receipts/routes.js';
import { idTypeRoutes } from './id-types/routes.js';
import { journeyRoutes } from './journeys/routes.js';
import { parameterRoutes } from './parameters/routes.js';
import { taskRoutes } from './tasks/routes.js';
import { webhookRoutes } from './webhooks/routes.js';

/** Options of the HTTP layer that are not configuration (logging differs between server and tests). */
declare module 'fastify' {
  interface FastifyInstance {
    /** The context the application was built with. */
    hookreach: AppContext;
  }
}

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** The built web console (default: packages/console/dist); served at `/` when it exists. */
  consoleDir?: string;
  /** `operations`: health and metrics only (a worker process); default `full`. */
  surface?: 'full' | 'operations';
}

/** Builds the Fastify application: health, OpenAPI docs, every feature under /api/v1, and the web console at /. */
export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: ctx.config.bodyLimit,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
    frameworkErrors,
    schemaController: { compilersFactory: { buildValidator: buildValidator as never } },
  });
  // Tools that start the server (the demo, the CLI) reach the context through the app they get back.
  app.decorate('hookreach', ctx);
  // The API speaks JSON only; Fastify's default text/plain parser would let text bodies through.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app, ctx.config.bodyLimit);
  if (options.surface === 'operations') {
    await app.register(healthRoutes, { ctx });
    await app.register(metricsRoutes, { ctx });
    return app;
  }
  await registerOpenApi(app);
  await app.register(healthRoutes, { ctx });
  await app.register(metricsRoutes, { ctx });
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
      await api.register(taskRoutes, { ctx });
      await api.register(audienceRoutes, { ctx });
      await api.register(journeyRoutes, { ctx });
    },
    { prefix: '/api/v1' },
  );
  await app.register(consoleRoutes, { consoleDir: options.consoleDir ?? DEFAULT_CONSOLE_DIR });
  return app;
}
