import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';

export const receiptRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async () => {};
