import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.js';
import { grantRoutes } from './grants/routes.js';
import { groupRoutes } from './groups/routes.js';
import { memberRoutes } from './members/routes.js';
import { roleRoutes } from './roles/routes.js';
import { tokenRoutes } from './tokens/routes.js';

/** Access: members and their tokens, member groups, roles and permissions, webhook grants. */
export const accessRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  await app.register(memberRoutes, { ctx });
  await app.register(tokenRoutes, { ctx });
  await app.register(groupRoutes, { ctx });
  await app.register(roleRoutes, { ctx });
  await app.register(grantRoutes, { ctx });
};
