import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../context.js';

export const testSendRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async () => {};
