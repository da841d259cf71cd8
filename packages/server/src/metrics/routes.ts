import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';

/**
 * `GET /metrics` in Prometheus text format, outside /api/v1 and without a token, as scrapers
 * expect: expose it on an internal network only (docs/operations.md). It carries counts and webhook
 * ids, never a secret.
 */
export const metricsRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get('/metrics', { schema: { tags: ['Operations'], summary: 'Prometheus metrics of this process (and the outbox it shares)', hide: true } }, async (_request, reply) => {
    const { contentType, text } = await ctx.metrics.scrape();
    return reply.type(contentType).send(text);
  });
};
