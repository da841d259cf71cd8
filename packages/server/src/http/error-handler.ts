import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors, HookreachError } from '../errors.js';
import { toFieldErrors } from './validation.js';

/** Maps any thrown error to the catalogue and answers `{"error": {code, message, details?}}`. */
export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError & { validationContext?: string }, request, reply) => {
    const known = toCatalogueError(error, bodyLimit);
    if (known.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    const body: { code: string; message: string; details?: unknown[] } = { code: known.code, message: known.message };
    if (known.details !== undefined) body.details = known.details;
    void reply.status(known.statusCode).send({ error: body });
  });
  app.setNotFoundHandler((request, reply) => {
    const e = errors.routeNotFound(request.method, request.url.split('?')[0] ?? '');
    void reply.status(404).send({ error: { code: e.code, message: e.message } });
  });
}

/** Fastify's `frameworkErrors` option: router errors (bad percent-encoding, overlong segment) in the same shape. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? errors.uriTooLong() : errors.badUrl();
  void reply.status(known.statusCode).send({ error: { code: known.code, message: known.message } });
}

/** Any thrown error as the catalogue error it stands for (Fastify's own errors included; unknown ones are INTERNAL). */
export function toCatalogueError(error: FastifyError & { validationContext?: string }, bodyLimit: number): HookreachError {
  if (error instanceof HookreachError) return error;
  if (error.validation) return errors.validation(toFieldErrors(error.validation as never, error.validationContext));
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(String(error.message.split('\'')[1] ?? 'unknown'));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.malformedJson('the body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.malformedJson(error.message);
  }
  if (error instanceof SyntaxError && error.statusCode === 400) return errors.malformedJson(error.message);
  if (error.statusCode === 405) return errors.methodNotAllowed('this');
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new HookreachError('BAD_REQUEST', error.statusCode, error.message);
  }
  return errors.internal();
}
