import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAdmin } from '../access/authenticate.js';
import { assertMayUseWebhook } from '../access/may-use-webhook.js';
import type { AppContext } from '../context.js';
import { bearer, errorResponses } from '../http/schemas.js';
import { copyWebhook } from './copy-webhook.js';
import { createWebhook } from './create-webhook.js';
import { deleteWebhook } from './delete-webhook.js';
import { etagOf } from '../http/etag.js';
import type { Webhook } from './model.js';
import { previewDraft } from './preview-draft.js';
import { previewWebhook } from './preview-webhook.js';
import { readWebhook } from './read-webhook.js';
import { PreviewQuery, WEBHOOK_SCHEMAS, WebhookIdParams, WebhookListQuery, type WebhookCopyInput, type WebhookInput } from './schemas.js';
import { setWebhookEnabled } from './set-webhook-enabled.js';
import { listVisibleWebhooks } from './list-webhooks.js';
import { updateWebhook } from './update-webhook.js';

const tags = ['Webhooks'];
const one = { 200: Type.Ref('Webhook') };
const created = { 201: Type.Ref('Webhook') };

/** Sends a webhook with its ETag (and Location when it was just created). */
function withEtag(reply: FastifyReply, webhook: Webhook, location = false): Webhook {
  void reply.header('etag', etagOf(webhook.version));
  if (location) void reply.header('location', `/api/v1/webhooks/${webhook.id}`).status(201);
  return webhook;
}

/** Webhook Management: create, list, read, edit, enable/disable, copy, delete, preview. */
export const webhookRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of WEBHOOK_SCHEMAS) app.addSchema(schema);

  app.post<{ Body: WebhookInput }>('/webhooks', {
    schema: { tags, summary: 'Create a webhook (enabled)', security: bearer, body: Type.Ref('WebhookInput'), response: { ...created, ...errorResponses(403) } },
  }, async (request, reply) => {
    requireAdmin(request);
    return withEtag(reply, await createWebhook(ctx, request.principal, request.body), true);
  });

  app.get('/webhooks', {
    schema: { tags, summary: 'List webhooks, newest first (a non-administrator sees only those they may use now)', security: bearer, querystring: WebhookListQuery, response: { 200: Type.Ref('WebhookPage'), ...errorResponses() } },
  }, async (request) => listVisibleWebhooks(ctx, request.principal, request.query));

  app.get('/webhooks/:id', {
    schema: { tags, summary: 'Read a webhook (with ETag; a non-administrator needs the permission and a valid grant)', security: bearer, params: WebhookIdParams, response: { ...one, ...errorResponses(403, 404) } },
  }, async (request, reply) => {
    await assertMayUseWebhook(ctx, request.principal, request.params.id);
    return withEtag(reply, (await readWebhook(ctx.store, request.principal.workspaceId, request.params.id)).webhook);
  });

  app.put<{ Body: WebhookInput; Params: { id: string } }>('/webhooks/:id', {
    schema: {
      tags,
      summary: 'Edit a disabled webhook (honours If-Match)',
      security: bearer,
      params: WebhookIdParams,
      body: Type.Ref('WebhookInput'),
      response: { ...one, ...errorResponses(403, 404, 409, 412) },
    },
  }, async (request, reply) => {
    requireAdmin(request);
    return withEtag(reply, await updateWebhook(ctx, request.principal, request.params.id, request.body, request.headers['if-match']));
  });

  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/webhooks/:id/${action}`, {
      schema: { tags, summary: `${action === 'enable' ? 'Enable' : 'Disable'} a webhook (idempotent)`, security: bearer, params: WebhookIdParams, response: { ...one, ...errorResponses(403, 404) } },
    }, async (request, reply) => {
      requireAdmin(request);
      return withEtag(reply, await setWebhookEnabled(ctx, request.principal, request.params.id, enabled));
    });
  }

  app.post<{ Body: WebhookCopyInput | undefined; Params: { id: string } }>('/webhooks/:id/copy', {
    schema: { tags, summary: 'Copy a webhook (the copy is disabled)', security: bearer, params: WebhookIdParams, body: Type.Ref('WebhookCopyInput'), response: { ...created, ...errorResponses(403, 404) } },
    // The body is optional: a bodiless POST means "no options".
    preValidation: async (request) => {
      request.body ??= {};
    },
  }, async (request, reply) => {
    requireAdmin(request);
    return withEtag(reply, await copyWebhook(ctx, request.principal, request.params.id, request.body), true);
  });

  app.delete('/webhooks/:id', {
    schema: { tags, summary: 'Delete a disabled, unused webhook (honours If-Match)', security: bearer, params: WebhookIdParams, response: { 204: Type.Null(), ...errorResponses(403, 404, 409, 412) } },
  }, async (request, reply) => {
    requireAdmin(request);
    await deleteWebhook(ctx, request.principal, request.params.id, request.headers['if-match']);
    return reply.status(204).send(null);
  });

  app.get('/webhooks/:id/preview', {
    schema: { tags, summary: 'The exact HTTP request a receiver would get (administrators: it carries a real signature)', security: bearer, params: WebhookIdParams, querystring: PreviewQuery, response: { 200: Type.Ref('WebhookPreview'), ...errorResponses(403, 404) } },
  }, async (request) => {
    // A preview is signed with the real key: a replayable request is configuration-level access.
    requireAdmin(request);
    return previewWebhook(ctx, request.principal, request.params.id, request.query.idType);
  });

  // "Preview Message Format" in the Create and Edit dialogs: settings not saved yet, validated like a save.
  app.post<{ Body: WebhookInput; Querystring: { idType?: string } }>('/webhooks/preview', {
    schema: { tags, summary: 'The exact request for unsaved settings (validated like a create; nothing is written)', security: bearer, querystring: PreviewQuery, body: Type.Ref('WebhookInput'), response: { 200: Type.Ref('WebhookPreview'), ...errorResponses(403) } },
  }, async (request) => {
    requireAdmin(request);
    return previewDraft(ctx, request.principal, request.body, undefined, request.query.idType);
  });

  app.post<{ Body: WebhookInput; Params: { id: string }; Querystring: { idType?: string } }>('/webhooks/:id/preview', {
    schema: { tags, summary: 'The exact request for unsaved edits of a webhook (an omitted key signs with the stored one; nothing is written)', security: bearer, params: WebhookIdParams, querystring: PreviewQuery, body: Type.Ref('WebhookInput'), response: { 200: Type.Ref('WebhookPreview'), ...errorResponses(403, 404) } },
  }, async (request) => {
    requireAdmin(request);
    return previewDraft(ctx, request.principal, request.body, request.params.id, request.query.idType);
  });
};
