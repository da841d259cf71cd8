import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';

export const parameterRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async () => {};
