import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { requireAdmin } from '../../access/authenticate.js';
import { assertMayUseWebhook } from '../../access/may-use-webhook.js';
import type { AppContext } from '../../context.js';
import { bearer, errorResponses } from '../../http/schemas.js';
import { WebhookIdParams } from '../../webhooks/schemas.js';
import { downloadTestSendLog } from './download-test-send-log.js';
import { getTestSend } from './get-test-send.js';
import { listTestSends } from './list-test-sends.js';
import { TEST_SEND_SCHEMAS, TestSendListQuery, TestSendParams, type TestSendInput } from './schemas.js';
import { sendTestMessage } from './send-test-message.js';

const tags = ['Test sends'];

/** Test sending: one real signed request to one test ID, the recent results, and each one's log. */
export const testSendRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of TEST_SEND_SCHEMAS) app.addSchema(schema);

  app.post<{ Body: TestSendInput; Params: { id: string } }>('/webhooks/:id/test-sends', {
    schema: {
      tags,
      summary: 'Send one real signed request to one test ID (needs use of the webhook; disabled webhooks too)',
      description: 'Answers 201 whatever the receiver did: `success` tells. No retry. Answers within the webhook\'s timeout.',
      security: bearer,
      params: WebhookIdParams,
      body: Type.Ref('TestSendInput'),
      response: { 201: Type.Ref('TestSendResult'), ...errorResponses(403, 404, 502) },
    },
  }, async (request, reply) => {
    await assertMayUseWebhook(ctx, request.principal, request.params.id);
    const result = await sendTestMessage(ctx, request.principal, request.params.id, request.body);
    void reply.status(201).header('location', `/api/v1/webhooks/${request.params.id}/test-sends/${result.id}`);
    return result;
  });

  app.get('/webhooks/:id/test-sends', {
    schema: {
      tags,
      summary: 'Recent test sends of a webhook, newest first',
      security: bearer,
      params: WebhookIdParams,
      querystring: TestSendListQuery,
      response: { 200: Type.Ref('TestSendPage'), ...errorResponses(403, 404) },
    },
  }, async (request) => {
    await assertMayUseWebhook(ctx, request.principal, request.params.id);
    const { page = 1, pageSize = 20 } = request.query;
    return listTestSends(ctx, request.principal, request.params.id, page, pageSize);
  });

  app.get('/webhooks/:id/test-sends/:testId', {
    schema: { tags, summary: 'One test send\'s result', security: bearer, params: TestSendParams, response: { 200: Type.Ref('TestSendResult'), ...errorResponses(403, 404) } },
  }, async (request) => {
    await assertMayUseWebhook(ctx, request.principal, request.params.id);
    return getTestSend(ctx, request.principal, request.params.id, request.params.testId);
  });

  app.get('/webhooks/:id/test-sends/:testId/log', {
    schema: {
      tags,
      summary: 'Download the log of a test send (administrators: it carries the real signature, never the key)',
      security: bearer,
      params: TestSendParams,
      response: { 200: { description: 'A text/plain attachment', content: { 'text/plain': { schema: Type.String() } } }, ...errorResponses(403, 404) },
    },
  }, async (request, reply) => {
    requireAdmin(request);
    const { fileName, text } = await downloadTestSendLog(ctx, request.principal, request.params.id, request.params.testId);
    return reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(text);
  });
};
