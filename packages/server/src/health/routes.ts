import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';

/** `/healthz`: the process is up. `/readyz`: the store answers. */
export const healthRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/healthz', { schema: { tags: ['Health'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['Health'], summary: 'The store is reachable' } }, async () => {
    try {
      await ctx.store.ping();
    } catch {
      throw errors.notReady('the store does not answer');
    }
    return { status: 'ready', store: ctx.store.dialect };
  });
};
