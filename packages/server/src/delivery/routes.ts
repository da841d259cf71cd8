import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';

export const deliveryRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async () => {};
