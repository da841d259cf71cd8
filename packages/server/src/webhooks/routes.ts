import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';

export const webhookRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async () => {};
