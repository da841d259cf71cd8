import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { assertHasPermission } from '../access/may-use-webhook.js';
import { WEBHOOK_USE } from '../access/permissions.js';
import type { AppContext } from '../context.js';
import { etagOf } from '../http/etag.js';
import { bearer, errorResponses } from '../http/schemas.js';
import { createJourney } from './create-journey.js';
import { editJourney } from './edit-journey.js';
import { enterJourney } from './enter-journey.js';
import { journeyStats } from './journey-details.js';
import { listInstances } from './list-instances.js';
import { listJourneys } from './list-journeys.js';
import type { Journey } from './model.js';
import { publishJourney } from './publish-journey.js';
import { readJourney } from './read-journey.js';
import { InstanceQuery, JOURNEY_SCHEMAS, JourneyIdParams, JourneyListQuery, JourneyReadQuery, type EntriesInput, type JourneyInput } from './schemas.js';
import { setJourneyStatus } from './set-journey-status.js';
import { toJourney } from './store.js';

const tags = ['Journeys'];
const one = { 200: Type.Ref('Journey') };

function withEtag(reply: FastifyReply, journey: Journey, created = false): Journey {
  void reply.header('etag', etagOf(journey.revision));
  if (created) void reply.header('location', `/api/v1/journeys/${journey.id}`).status(201);
  return journey;
}

/**
 * Automated Marketing journeys. Every route needs the webhook permission (the one role permission
 * of marketing use); saving or publishing a journey also needs a valid grant on each webhook it sends through.
 */
export const journeyRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of JOURNEY_SCHEMAS) app.addSchema(schema);
  app.addHook('preHandler', async (request) => assertHasPermission(ctx, request.principal, WEBHOOK_USE));

  app.post<{ Body: JourneyInput }>('/journeys', {
    schema: { tags, summary: 'Create a journey (a draft, version 1)', security: bearer, body: Type.Ref('JourneyInput'), response: { 201: Type.Ref('Journey'), ...errorResponses(403) } },
  }, async (request, reply) => withEtag(reply, await createJourney(ctx, request.principal, request.body), true));

  app.get('/journeys', {
    schema: { tags, summary: 'List journeys, newest first', security: bearer, querystring: JourneyListQuery, response: { 200: Type.Ref('JourneyPage'), ...errorResponses(403) } },
  }, async (request) => listJourneys(ctx.store.db, request.principal.workspaceId, request.query));

  app.get('/journeys/:id', {
    schema: { tags, summary: 'A journey (latest version, or ?version=) with per-node counts', security: bearer, params: JourneyIdParams, querystring: JourneyReadQuery, response: { 200: Type.Ref('JourneyDetail'), ...errorResponses(403, 404) } },
  }, async (request, reply) => {
    const record = await readJourney(ctx.store.db, request.principal.workspaceId, request.params.id, request.query.version);
    const journey = toJourney(record);
    void reply.header('etag', etagOf(journey.revision));
    return { journey, stats: await journeyStats(ctx.store.db, journey.id) };
  });

  app.put<{ Body: JourneyInput; Params: { id: string } }>('/journeys/:id', {
    schema: { tags, summary: 'Edit a journey (a published version stays as it is: the edit is a new draft version; honours If-Match)', security: bearer, params: JourneyIdParams, body: Type.Ref('JourneyInput'), response: { ...one, ...errorResponses(403, 404, 409, 412) } },
  }, async (request, reply) => withEtag(reply, await editJourney(ctx, request.principal, request.params.id, request.body, request.headers['if-match'])));

  app.post('/journeys/:id/publish', {
    schema: { tags, summary: 'Publish the latest version: users enter it from now on', security: bearer, params: JourneyIdParams, response: { ...one, ...errorResponses(403, 404, 409) } },
  }, async (request, reply) => withEtag(reply, await publishJourney(ctx, request.principal, request.params.id)));

  for (const action of ['pause', 'resume', 'stop'] as const) {
    const summary = { pause: 'Pause: entries stop, users in flight hold', resume: 'Resume a paused journey', stop: 'Stop for good: every user still in it leaves' }[action];
    app.post(`/journeys/:id/${action}`, {
      schema: { tags, summary, security: bearer, params: JourneyIdParams, response: { ...one, ...errorResponses(403, 404, 409) } },
    }, async (request, reply) => withEtag(reply, await setJourneyStatus(ctx, request.principal, (request.params as { id: string }).id, action)));
  }

  app.post<{ Body: EntriesInput; Params: { id: string } }>('/journeys/:id/entries', {
    schema: { tags, summary: 'Real-time entry: these customers enter the published journey now (re-entry policy applies)', security: bearer, params: JourneyIdParams, body: Type.Ref('JourneyEntriesInput'), response: { 200: Type.Ref('JourneyEntriesResult'), ...errorResponses(403, 404, 409) } },
  }, async (request) => enterJourney(ctx, request.principal, request.params.id, request.body));

  app.get('/journeys/:id/instances', {
    schema: { tags, summary: 'Users in the journey (one customer\'s with ?customerId=), each with their path and times', security: bearer, params: JourneyIdParams, querystring: InstanceQuery, response: { 200: Type.Ref('JourneyInstancePage'), ...errorResponses(403, 404) } },
  }, async (request) => listInstances(ctx.store.db, request.principal.workspaceId, request.params.id, request.query));
};
