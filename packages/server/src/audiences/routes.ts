import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { bearer, errorResponses } from '../http/schemas.js';
import { createAudience } from './create-audience.js';
import { deleteAudience } from './delete-audience.js';
import { importAudienceUsers } from './import-audience-users.js';
import { IMPORT_MEDIA_TYPES, uploadFormat } from './import/upload-format.js';
import { listAudiencePage } from './list-audiences.js';
import { readAudience } from './read-audience.js';
import { AUDIENCE_SCHEMAS, AudienceIdParams, AudienceListQuery, type AudienceInput } from './schemas.js';

const tags = ['Audiences'];
const one = { 200: Type.Ref('Audience') };

const UPLOAD_DESCRIPTION =
  'CSV: a header row `customer_id,<ID type codes...>,<attributes...>` then one user per line. ' +
  'NDJSON: one `{"customer_id": "...", "ids": {"OPEN_ID": "..."}, "attributes": {"name": "..."}}` per line. UTF-8. See docs/audiences.md.';

/** Audiences: create, list, read (with size), delete, and the streaming import of their users. Any member of the workspace may manage them. */
export const audienceRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of AUDIENCE_SCHEMAS) app.addSchema(schema);

  app.post<{ Body: AudienceInput }>('/audiences', {
    schema: { tags, summary: 'Create an empty audience', security: bearer, body: Type.Ref('AudienceInput'), response: { 201: Type.Ref('Audience'), ...errorResponses(409) } },
  }, async (request, reply) => {
    const audience = await createAudience(ctx, request.principal, request.body);
    void reply.status(201).header('location', `/api/v1/audiences/${audience.id}`);
    return audience;
  });

  app.get('/audiences', {
    schema: { tags, summary: 'List audiences, newest first', security: bearer, querystring: AudienceListQuery, response: { 200: Type.Ref('AudiencePage'), ...errorResponses() } },
  }, async (request) => listAudiencePage(ctx, request.principal, request.query));

  app.get('/audiences/:id', {
    schema: { tags, summary: 'Read an audience with its size', security: bearer, params: AudienceIdParams, response: { ...one, ...errorResponses(404) } },
  }, async (request) => readAudience(ctx, request.principal, request.params.id));

  app.delete('/audiences/:id', {
    schema: { tags, summary: 'Delete an audience and its users (409 while a task or journey uses it)', security: bearer, params: AudienceIdParams, response: { 204: Type.Null(), ...errorResponses(404, 409) } },
  }, async (request, reply) => {
    await deleteAudience(ctx, request.principal, request.params.id);
    return reply.status(204).send(null);
  });

  // Its own context: the raw-stream parsers and the large size limit apply to this route only.
  await app.register(async (upload) => {
    upload.addContentTypeParser(IMPORT_MEDIA_TYPES, (_request, payload, done) => done(null, payload));
    const limit = ctx.config.audiences.importLimit;
    upload.post<{ Params: { id: string } }>('/audiences/:id/import', {
      schema: {
        tags,
        summary: 'Import users by streaming a CSV or NDJSON upload (upserts by customer_id; bad lines are listed, never abort the rest)',
        security: bearer,
        params: AudienceIdParams,
        // Documents the media types; the stream itself is checked line by line, not by a schema.
        body: { content: Object.fromEntries(IMPORT_MEDIA_TYPES.map((type) => [type, { schema: { description: UPLOAD_DESCRIPTION } }])) },
        response: { 200: Type.Ref('AudienceImportResult'), ...errorResponses(404, 409, 413, 415) },
      },
      // Refused before a byte of the body is read. The connection stays open (Node discards the unread
      // body), so a client still sending reads this answer instead of a broken pipe; the CLI then stops sending.
      onRequest: async (request) => {
        uploadFormat(request.headers['content-type']);
        const length = Number(request.headers['content-length']);
        if (Number.isFinite(length) && length > limit) throw errors.payloadTooLarge(limit);
      },
    }, async (request) => {
      const body = request.body as Readable;
      try {
        // Not destroyed when the import stops early: that would leave the socket unread, its close unnoticed.
        return await importAudienceUsers(ctx, request.principal, request.params.id, uploadFormat(request.headers['content-type']), body.iterator({ destroyOnReturn: false }));
      } finally {
        // A refused upload's remaining bytes are read and dropped, so the client gets the answer, not a broken pipe.
        if (!body.readableEnded) body.resume();
      }
    });
  });
};
