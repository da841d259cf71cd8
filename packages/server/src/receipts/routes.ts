import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { RECEIPT_PATH } from '@hookreach/protocol';
import { Type } from 'typebox';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { buildValidator, withFastPath, type ValidatorFunction } from '../http/validation.js';
import { answerFor, receiptErrorHandler } from './answer.js';
import { checkSignedQuery, type SignedQuery } from './check-signed-query.js';
import type { ReceiptInput } from './judge-receipts.js';
import { reportReceipts } from './report-receipts.js';
import { parseReport } from './parse-report.js';
import { MAX_RECEIPTS, ReceiptAnswer, ReceiptHeaders, ReceiptList, ReceiptMessage, ReceiptQuery, RejectedReceipt } from './schemas.js';

/**
 * The document's receipt API, at its path and outside /api/v1: no Bearer token, the webhook's
 * signature instead, and every answer (errors included) in the document's `{code, message}` shape.
 */
export const receiptRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { bodyLimit, timestampWindowSeconds } = ctx.config.receipts;
  app.addSchema(ReceiptMessage);
  app.addSchema(RejectedReceipt);
  app.addSchema(ReceiptAnswer);
  app.setErrorHandler(receiptErrorHandler(bodyLimit));
  const signedQueries = new WeakMap<FastifyRequest, SignedQuery>();
  const answer = Type.Ref('ReceiptAnswer');
  const compile = buildValidator({ ReceiptMessage });
  // Reports found well-formed while parsed: validation skips ajv for them (about 7% of the route's CPU).
  const wellFormed = new WeakSet<object>();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (_request, bytes, done) => {
    try {
      done(null, parseReport(bytes as Buffer, wellFormed));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.post(RECEIPT_PATH, {
    bodyLimit,
    schema: {
      tags: ['Receipts'],
      summary: 'Report receipts (the integrated system reports each user\'s delivery result)',
      querystring: ReceiptQuery,
      headers: ReceiptHeaders,
      body: ReceiptList,
      response: { 200: answer, 400: answer, 401: answer, 413: answer, 415: answer },
    },
    // A well-formed report skips ajv; any other gets ajv's errors.
    validatorCompiler: (route) => (route.httpPart === 'body' ? withFastPath(compile(route) as ValidatorFunction, (body) => wellFormed.has(body as object)) : compile(route)),
    // Stale, future or unsigned reports are refused before their body is read.
    onRequest: async (request) => {
      signedQueries.set(request, checkSignedQuery(request.query, request.headers['x-qa-hmac-signature'], ctx.clock.now(), timestampWindowSeconds));
    },
    // Counted before validation, so an oversized list is refused without validating every item.
    preValidation: async (request) => {
      const body: unknown = request.body;
      if (Array.isArray(body) && body.length > MAX_RECEIPTS) throw errors.tooManyReceipts(body.length, MAX_RECEIPTS);
    },
  }, async (request) => answerFor(await reportReceipts(ctx, signedQueries.get(request)!, request.body as ReceiptInput[])));
};
