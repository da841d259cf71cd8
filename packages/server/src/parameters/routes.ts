import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ErrorObject } from 'ajv';
import type { FastifyPluginAsync, FastifySchemaValidationError } from 'fastify';
import { Type } from 'typebox';
import { requireAdmin } from '../access/authenticate.js';
import { assertHasPermission } from '../access/may-use-webhook.js';
import { WEBHOOK_USE } from '../access/permissions.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { bearer, errorResponses } from '../http/schemas.js';
import { toFieldErrors } from '../http/validation.js';
import { createParameter } from './create-parameter.js';
import { deleteParameter } from './delete-parameter.js';
import { editParameter } from './edit-parameter.js';
import { getParameter } from './get-parameter.js';
import { listParameterOptions } from './list-parameter-options.js';
import { listParameters } from './list-parameters.js';
import { etagOf } from '../http/etag.js';
import { ListQuery, OptionsQuery, PARAMETER_SCHEMAS, ParameterIdParams, ParameterInput } from './schemas.js';

const tags = ['Parameters'];

/**
 * A `discriminator` error only repeats what the tag's own `required`/`enum` error already says,
 * and on the parent object's path; drop it so the client sees the tag's path.
 */
function schemaErrorFormatter(validation: FastifySchemaValidationError[], context: string) {
  return errors.validation(toFieldErrors((validation as ErrorObject[]).filter((e) => e.keyword !== 'discriminator'), context));
}

/** Webhook Parameter Management: constant- and interface-based parameters, and their options. */
export const parameterRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of PARAMETER_SCHEMAS) app.addSchema(schema);

  app.get('/parameters', {
    schema: { tags, summary: 'List parameters, newest first', security: bearer, querystring: ListQuery, response: { 200: Type.Ref('ParameterPage'), ...errorResponses(403) } },
  }, async (request) => {
    await assertHasPermission(ctx, request.principal, WEBHOOK_USE);
    return listParameters(ctx, request.principal, request.query);
  });

  app.post('/parameters', {
    schema: { tags, summary: 'Create a parameter', security: bearer, body: ParameterInput, response: { 201: Type.Ref('Parameter'), ...errorResponses(403) } },
    schemaErrorFormatter,
  }, async (request, reply) => {
    requireAdmin(request);
    const created = await createParameter(ctx, request.principal, request.body);
    void reply.status(201).header('etag', etagOf(created.version));
    return created;
  });

  app.get('/parameters/:id', {
    schema: { tags, summary: 'Parameter details, with what uses it', security: bearer, params: ParameterIdParams, response: { 200: Type.Ref('Parameter'), ...errorResponses(403, 404) } },
  }, async (request, reply) => {
    await assertHasPermission(ctx, request.principal, WEBHOOK_USE);
    const parameter = await getParameter(ctx, request.principal, request.params.id);
    void reply.header('etag', etagOf(parameter.version));
    return parameter;
  });

  app.put('/parameters/:id', {
    schema: {
      tags,
      summary: 'Edit a parameter (same body as create; the kind cannot change)',
      description: 'Send If-Match with the ETag read to refuse overwriting a newer version (412). Omit `key` to keep the stored one.',
      security: bearer,
      params: ParameterIdParams,
      body: ParameterInput,
      response: { 200: Type.Ref('Parameter'), ...errorResponses(403, 404, 409, 412) },
    },
    schemaErrorFormatter,
  }, async (request, reply) => {
    requireAdmin(request);
    const updated = await editParameter(ctx, request.principal, request.params.id, request.body, request.headers['if-match']);
    void reply.header('etag', etagOf(updated.version));
    return updated;
  });

  app.delete('/parameters/:id', {
    schema: {
      tags,
      summary: 'Delete a parameter that nothing uses',
      description: '409 PARAMETER_IN_USE lists, in `details`, every webhook and parameter that uses it.',
      security: bearer,
      params: ParameterIdParams,
      response: { 204: Type.Null(), ...errorResponses(403, 404, 409) },
    },
  }, async (request, reply) => {
    requireAdmin(request);
    await deleteParameter(ctx, request.principal, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/parameters/:id/options', {
    schema: {
      tags,
      summary: 'The values to choose from: a constant\'s values, or what the interface answers now',
      description: 'Besides `parent`, pass one query parameter per associated parameter sourced from another parameter (e.g. `?city=BJ`) with the value chosen for it.',
      security: bearer,
      params: ParameterIdParams,
      querystring: OptionsQuery,
      response: { 200: Type.Ref('ParameterOptions'), ...errorResponses(403, 404, 502) },
    },
  }, async (request) => {
    await assertHasPermission(ctx, request.principal, WEBHOOK_USE);
    return listParameterOptions(ctx, request.principal, request.params.id, request.query);
  });
};
