/** The member on whose behalf a request runs. */
export interface Principal {
  memberId: string;
  workspaceId: string;
  name: string;
  email: string;
  admin: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every /api/v1 request. */
    principal: Principal;
  }
}
