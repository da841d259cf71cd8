import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { assertMayUseWebhook } from '../access/may-use-webhook.js';
import type { AppContext } from '../context.js';
import { etagOf } from '../http/etag.js';
import { bearer, errorResponses } from '../http/schemas.js';
import { cancelTask } from './cancel-task.js';
import { createTask } from './create-task.js';
import { deleteTask } from './delete-task.js';
import { exportRecipients, listRecipients } from './list-recipients.js';
import { listVisibleTasks } from './list-tasks.js';
import type { Task } from './model.js';
import { RecipientQuery, TASK_SCHEMAS, TaskIdParams, TaskListQuery, type TaskInput, type TaskTestSendInput } from './schemas.js';
import { readTaskDetails } from './task-details.js';
import { testSendTask } from './test-send-task.js';
import { updateTask } from './update-task.js';

const tags = ['Tasks'];

function withEtag(reply: FastifyReply, task: Task): Task {
  void reply.header('etag', etagOf(task.version));
  return task;
}

/** Webhook tasks (Reach Marketing): create, list, details with stats, edit, cancel, delete, recipients, test send. */
export const taskRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (base, { ctx }) => {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of TASK_SCHEMAS) app.addSchema(schema);

  app.post<{ Body: TaskInput }>('/tasks', {
    schema: { tags, summary: 'Create a task (needs use of its webhook; sends now or at its time)', security: bearer, body: Type.Ref('TaskInput'), response: { 201: Type.Ref('Task'), ...errorResponses(403, 404, 502) } },
  }, async (request, reply) => {
    const task = await createTask(ctx, request.principal, request.body);
    void reply.status(201).header('location', `/api/v1/tasks/${task.id}`);
    return withEtag(reply, task);
  });

  app.get('/tasks', {
    schema: { tags, summary: 'List tasks, newest first (a non-administrator sees those of webhooks they may use now)', security: bearer, querystring: TaskListQuery, response: { 200: Type.Ref('TaskPage'), ...errorResponses(403) } },
  }, async (request) => listVisibleTasks(ctx, request.principal, request.query));

  app.get('/tasks/:id', {
    schema: { tags, summary: 'A task with its stats (audience size, skipped, sent, succeeded, failed, receipts, receipt window)', security: bearer, params: TaskIdParams, response: { 200: Type.Ref('TaskDetail'), ...errorResponses(403, 404) } },
  }, async (request, reply) => {
    const details = await readTaskDetails(ctx, request.principal, request.params.id);
    void reply.header('etag', etagOf(details.task.version));
    return details;
  });

  app.put<{ Body: TaskInput; Params: { id: string } }>('/tasks/:id', {
    schema: {
      tags,
      summary: 'Edit a pending task more than 10 minutes before its send time (full replacement; honours If-Match)',
      security: bearer,
      params: TaskIdParams,
      body: Type.Ref('TaskInput'),
      response: { 200: Type.Ref('Task'), ...errorResponses(403, 404, 409, 412, 502) },
    },
  }, async (request, reply) => withEtag(reply, await updateTask(ctx, request.principal, request.params.id, request.body, request.headers['if-match'])));

  app.post('/tasks/:id/cancel', {
    schema: { tags, summary: 'Cancel a pending or sending task: no further batches are sent', security: bearer, params: TaskIdParams, response: { 200: Type.Ref('Task'), ...errorResponses(403, 404, 409) } },
  }, async (request, reply) => withEtag(reply, await cancelTask(ctx, request.principal, request.params.id)));

  app.delete('/tasks/:id', {
    schema: {
      tags,
      summary: 'Delete a finished, failed or cancelled task, or a pending one more than 10 minutes before its send time (honours If-Match)',
      security: bearer,
      params: TaskIdParams,
      response: { 204: Type.Null(), ...errorResponses(403, 404, 409, 412) },
    },
  }, async (request, reply) => {
    await deleteTask(ctx, request.principal, request.params.id, request.headers['if-match']);
    return reply.status(204).send(null);
  });

  app.get('/tasks/:id/recipients', {
    schema: {
      tags,
      summary: 'Every recipient with delivery status, error and latest receipt (keyset pages, or ?format=csv for the whole list)',
      security: bearer,
      params: TaskIdParams,
      querystring: RecipientQuery,
      response: {
        200: { description: 'A page (JSON), or the whole list as a CSV attachment', content: { 'application/json': { schema: Type.Ref('TaskRecipientPage') }, 'text/csv': { schema: Type.String() } } },
        ...errorResponses(403, 404),
      },
    },
  }, async (request, reply) => {
    if (request.query.format !== 'csv') return listRecipients(ctx, request.principal, request.params.id, request.query);
    const { fileName, stream } = await exportRecipients(ctx, request.principal, request.params.id, request.query);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(stream);
  });

  app.post<{ Body: TaskTestSendInput }>('/tasks/test-sends', {
    schema: {
      tags,
      summary: 'Test send from a task draft: its values, variables filled for one audience user or a typed ID',
      description: 'Reuses the webhook test send (one real signed request, no retry, recorded with its log). Answers 201 whatever the receiver did: `success` tells.',
      security: bearer,
      body: Type.Ref('TaskTestSendInput'),
      response: { 201: Type.Ref('TaskTestSendResult'), ...errorResponses(403, 404, 502) },
    },
  }, async (request, reply) => {
    await assertMayUseWebhook(ctx, request.principal, request.body.webhookId);
    const result = await testSendTask(ctx, request.principal, request.body);
    void reply.status(201).header('location', `/api/v1/webhooks/${request.body.webhookId}/test-sends/${result.id}`);
    return result;
  });
};
