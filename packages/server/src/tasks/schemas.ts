import { MAX_BATCH_SIZE } from '@hookreach/protocol';
import { Type, type Static } from 'typebox';
import { MESSAGE_STATUSES } from '../delivery/schemas.js';
import { TestSendResult } from '../delivery/test-send/schemas.js';
import { Nullable, PageQuery, StringEnum } from '../http/schemas.js';
import { TASK_STATUSES } from './model.js';

const ID = { minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' };
const time = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });

/** Limits of a task's fields; docs/tasks.md quotes them. */
export const TASK_LIMITS = { name: 64, replacement: 1000, idValue: 256 } as const;

/** `{id}` of every task route. */
export const TaskIdParams = Type.Object({ id: Type.String(ID) });

const MissingVariableInput = Type.Union(
  [
    Type.Literal('skip', { description: 'Skip (and count) a user without a value for a variable' }),
    Type.Object(
      { replace: Type.String({ maxLength: TASK_LIMITS.replacement, description: 'Text used instead of each missing value (may be empty)' }) },
      { additionalProperties: false },
    ),
  ],
  { description: 'What to do when a user lacks (or has a blank) attribute for a `${attribute}` variable' },
);

const ScheduleInput = Type.Union([
  Type.Object({ type: Type.Literal('now') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('at'), at: time('ISO 8601 with an offset, e.g. 2026-12-01T09:00:00+08:00; in the future') }, { additionalProperties: false }),
]);

const ParamsInput = Type.Record(Type.String(), Type.Unknown(), {
  maxProperties: 100,
  description: 'Value per webhook parameter name: strings (a numeric parameter also takes a JSON number); text parameters may hold ${attribute} variables',
});

/** Body of create and edit (edit is a full replacement). */
export const TaskInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: TASK_LIMITS.name }),
    audienceId: Type.String(ID),
    webhookId: Type.String(ID),
    idType: Type.String({ minLength: 1, maxLength: 32, description: 'One of the webhook\'s ID types' }),
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BATCH_SIZE, default: MAX_BATCH_SIZE })),
    params: Type.Optional(ParamsInput),
    missingVariable: Type.Optional(MissingVariableInput),
    schedule: ScheduleInput,
  },
  { $id: 'TaskInput', title: 'TaskInput', additionalProperties: false },
);
export type TaskInput = Static<typeof TaskInput>;

/** A task as every read answers it. */
export const Task = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    audienceId: Type.String(),
    webhookId: Type.String(),
    idType: Type.String(),
    batchSize: Type.Integer(),
    params: Type.Record(Type.String(), Type.String()),
    missingVariable: Type.Union([Type.Literal('skip'), Type.Object({ replace: Type.String() })]),
    schedule: Type.Union([Type.Object({ type: Type.Literal('now') }), Type.Object({ type: Type.Literal('at'), at: Type.String() })]),
    sendAt: time('When the task is (or was) due'),
    status: StringEnum(TASK_STATUSES),
    failure: Nullable(Type.Object({ code: Type.String(), message: Type.String() }, { description: 'Why a failed task could not run' })),
    editable: Type.Boolean({ description: 'Pending and more than 10 minutes before sendAt' }),
    deletable: Type.Boolean(),
    createdBy: Type.String({ description: 'The member on whose behalf the task runs' }),
    version: Type.Integer({ description: 'Also sent as the ETag' }),
    createdAt: time(),
    updatedAt: time(),
    startedAt: Nullable(time()),
    finishedAt: Nullable(time()),
  },
  { $id: 'Task', title: 'Task' },
);

const UserCounts = Type.Object({
  pending: Type.Integer({ description: 'In batches not yet finished (waiting, retrying or being sent)' }),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  cancelled: Type.Integer(),
});

/** What the task details page shows besides the task. */
export const TaskStats = Type.Object(
  {
    audienceSize: Type.Integer({ description: 'The audience\'s size when the task started (its current size before)' }),
    read: Type.Integer({ description: 'Audience users the task has gone through so far' }),
    skipped: Type.Object({
      noId: Type.Integer({ description: 'Users without an ID of the task\'s ID type' }),
      missingVariable: Type.Integer({ description: 'Users lacking a variable\'s attribute, under the "skip" policy' }),
    }),
    enqueued: Type.Integer({ description: 'Users handed to the delivery engine' }),
    sent: Type.Integer({ description: 'Users whose batch was sent at least once' }),
    succeeded: Type.Integer(),
    failed: Type.Integer(),
    users: UserCounts,
    batches: Type.Object({ total: Type.Integer(), pending: Type.Integer(), succeeded: Type.Integer(), failed: Type.Integer(), cancelled: Type.Integer() }),
    receipts: Type.Array(
      Type.Object({
        status: Type.String(),
        value: Nullable(Type.String({ description: 'The status\'s meaning configured on the webhook' })),
        count: Type.Integer({ description: 'Receipts with this status' }),
        users: Type.Integer({ description: 'Distinct users who got a receipt with this status' }),
      }),
    ),
    receiptWindow: Nullable(
      Type.Object(
        {
          retentionHours: Type.Integer(),
          closesAt: Nullable(time('The last send plus the retention; null before anything was sent')),
          remainingMs: Nullable(Type.Integer({ description: 'Time left until closesAt (0 once closed)' })),
        },
        { description: 'null when the webhook takes no receipts' },
      ),
    ),
  },
  { $id: 'TaskStats', title: 'TaskStats' },
);

/** `GET /tasks/{id}`: the task and its stats. */
export const TaskDetail = Type.Object({ task: Type.Ref('Task'), stats: Type.Ref('TaskStats') }, { $id: 'TaskDetail', title: 'TaskDetail' });

export const TaskPage = Type.Object(
  { items: Type.Array(Type.Ref('Task')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'TaskPage', title: 'TaskPage' },
);

export const TaskListQuery = Type.Object({
  status: Type.Optional(StringEnum(TASK_STATUSES)),
  webhookId: Type.Optional(Type.String(ID)),
  audienceId: Type.Optional(Type.String(ID)),
  search: Type.Optional(Type.String({ maxLength: 200, pattern: '^\\P{Cc}*$', description: 'Name contains (case-insensitive)' })),
  ...PageQuery,
});
export type TaskListQuery = Static<typeof TaskListQuery>;

/** Filters, page and format of the recipients list. */
export const RecipientQuery = Type.Object({
  status: Type.Optional(StringEnum(MESSAGE_STATUSES, { description: 'Delivery status (a user\'s follows its batch)' })),
  receiptStatus: Type.Optional(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$', description: 'Only users whose latest receipt has this status code' })),
  hasReceipt: Type.Optional(Type.Boolean({ description: 'Only users with (true) or without (false) any receipt' })),
  after: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'nextCursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  format: Type.Optional(StringEnum(['json', 'csv'] as const, { description: '`csv` streams every matching recipient as a CSV attachment (after and limit ignored)' })),
});
export type RecipientQuery = Static<typeof RecipientQuery>;

/** One recipient: a user handed to the delivery engine. */
export const TaskRecipient = Type.Object(
  {
    customerId: Type.String(),
    targetType: Type.String(),
    targetId: Type.String(),
    actionId: Type.String({ description: 'callback_params.actionId' }),
    batchId: Type.String(),
    status: StringEnum(MESSAGE_STATUSES),
    sentAt: Nullable(time()),
    error: Nullable(Type.String({ description: 'The last failed attempt of the batch, in words (null once it succeeded)' })),
    receiptStatus: Nullable(Type.String({ description: 'Code of the latest receipt' })),
    receiptValue: Nullable(Type.String({ description: 'Its meaning configured on the webhook' })),
    receiptAt: Nullable(time()),
  },
  { $id: 'TaskRecipient', title: 'TaskRecipient' },
);
export type TaskRecipient = Static<typeof TaskRecipient>;

export const TaskRecipientPage = Type.Object(
  {
    items: Type.Array(Type.Ref('TaskRecipient')),
    nextCursor: Nullable(Type.String({ description: 'Pass as `after` for the next page; null on the last page' })),
    total: Nullable(Type.Integer({ description: 'Recipients matching the delivery-status filter; null with a receipt filter (counting those would read every receipt)' })),
  },
  { $id: 'TaskRecipientPage', title: 'TaskRecipientPage' },
);

/** Body of a test send from a task draft: the draft's values and one user. */
export const TaskTestSendInput = Type.Object(
  {
    webhookId: Type.String(ID),
    idType: Type.String({ minLength: 1, maxLength: 32 }),
    params: Type.Optional(ParamsInput),
    missingVariable: Type.Optional(MissingVariableInput),
    audienceId: Type.Optional(Type.String({ ...ID, description: 'With customerId: the audience to take the user from' })),
    customerId: Type.Optional(Type.String({ minLength: 1, maxLength: TASK_LIMITS.idValue, description: 'A user of the audience: their ID of idType and their attributes are used' })),
    targetId: Type.Optional(Type.String({ minLength: 1, maxLength: TASK_LIMITS.idValue, description: 'Or a typed test ID (then `attributes` fill the variables)' })),
    attributes: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 1000 }), { maxProperties: 100 })),
  },
  { $id: 'TaskTestSendInput', title: 'TaskTestSendInput', additionalProperties: false },
);
export type TaskTestSendInput = Static<typeof TaskTestSendInput>;

/** The test send's result (the webhook test send's shape, registered under this feature's name). */
export const TaskTestSendResult = Type.Object(TestSendResult.properties, { $id: 'TaskTestSendResult', title: 'TaskTestSendResult' });

/** Every named schema of this feature, to register once. */
export const TASK_SCHEMAS = [TaskInput, Task, TaskStats, TaskDetail, TaskPage, TaskRecipient, TaskRecipientPage, TaskTestSendInput, TaskTestSendResult];
