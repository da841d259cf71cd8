import { Type, type Static } from 'typebox';
import { Nullable, PageQuery, StringEnum } from '../http/schemas.js';
import { DELIVERY_RUN_KINDS } from './enqueue.js';

/** A batch's life: pending (due at nextAttemptAt), sending (leased by a worker), then succeeded, failed or cancelled. */
export const DELIVERY_STATUSES = ['pending', 'sending', 'succeeded', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A user's status follows its batch's (a user is never "sending" on its own). */
export const MESSAGE_STATUSES = ['pending', 'succeeded', 'failed', 'cancelled'] as const;

const ID = { minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' };
const time = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });

/** `{id}` of the delivery routes: a batch id. */
export const DeliveryIdParams = Type.Object({ id: Type.String(ID) });

/** Filters and page of the delivery list. */
export const DeliveryListQuery = Type.Object({
  webhookId: Type.Optional(Type.String(ID)),
  taskId: Type.Optional(Type.String(ID)),
  journeyId: Type.Optional(Type.String(ID)),
  status: Type.Optional(StringEnum(DELIVERY_STATUSES)),
  ...PageQuery,
});
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;

/** The last failed attempt of a batch. */
export const DeliveryError = Type.Object(
  {
    at: time('When the failed attempt started'),
    httpStatus: Type.Optional(Type.Integer()),
    code: Type.Optional(Type.String({ description: 'The receiver\'s `code`' })),
    message: Type.Optional(Type.String({ description: 'The receiver\'s `message`' })),
    error: Type.Optional(Type.String({ description: 'Why the attempt failed, in words' })),
    retryAfterMs: Type.Optional(Type.Integer({ description: 'The delay the receiver asked for with Retry-After' })),
  },
  { $id: 'DeliveryError', title: 'DeliveryError' },
);
export type DeliveryError = Static<typeof DeliveryError>;

/** A batch as the API shows it (never its body). */
export const DeliveryBatch = Type.Object(
  {
    id: Type.String({ description: 'Also callback_params.batchId' }),
    webhookId: Type.String(),
    runKind: StringEnum(DELIVERY_RUN_KINDS),
    taskId: Nullable(Type.String()),
    journeyId: Nullable(Type.String()),
    nodeId: Nullable(Type.String()),
    userCount: Type.Integer(),
    status: StringEnum(DELIVERY_STATUSES),
    attempts: Type.Integer({ description: 'Attempts spent since the batch was enqueued or last re-sent' }),
    maxAttempts: Type.Integer(),
    nextAttemptAt: Nullable(time('When a pending batch is due')),
    lastError: Nullable(Type.Ref('DeliveryError')),
    createdAt: time(),
    updatedAt: time(),
    finishedAt: Nullable(time()),
  },
  { $id: 'DeliveryBatch', title: 'DeliveryBatch' },
);
export type DeliveryBatch = Omit<Static<typeof DeliveryBatch>, 'lastError'> & { lastError: DeliveryError | null };

const DeliveryAttempt = Type.Object(
  {
    attempt: Type.Integer({ description: '1, 2, ... over the batch\'s whole life, re-sends included' }),
    startedAt: time(),
    latencyMs: Type.Integer(),
    success: Type.Boolean(),
    retryable: Type.Boolean(),
    httpStatus: Nullable(Type.Integer()),
    code: Nullable(Type.String()),
    message: Nullable(Type.String()),
    error: Nullable(Type.String()),
  },
  { $id: 'DeliveryAttempt', title: 'DeliveryAttempt' },
);
export type DeliveryAttempt = Static<typeof DeliveryAttempt>;

const DeliveryUser = Type.Object(
  {
    actionId: Type.String({ description: 'Also callback_params.actionId' }),
    customerId: Type.String(),
    targetType: Type.String(),
    targetId: Type.String(),
    status: StringEnum(MESSAGE_STATUSES),
    sentAt: Nullable(time()),
    receiptStatus: Nullable(Type.String({ description: 'Code of the latest receipt' })),
    receiptAt: Nullable(time()),
  },
  { $id: 'DeliveryUser', title: 'DeliveryUser' },
);
export type DeliveryUser = Static<typeof DeliveryUser>;

/** One batch with its attempts and users. */
export const DeliveryDetail = Type.Object(
  {
    batch: Type.Ref('DeliveryBatch'),
    attempts: Type.Array(Type.Ref('DeliveryAttempt')),
    users: Type.Array(Type.Ref('DeliveryUser')),
  },
  { $id: 'DeliveryDetail', title: 'DeliveryDetail' },
);

/** A page of batches. */
export const DeliveryPage = Type.Object(
  { items: Type.Array(Type.Ref('DeliveryBatch')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'DeliveryPage', title: 'DeliveryPage' },
);

/** Every named schema of the feature, registered once by its routes. */
export const DELIVERY_SCHEMAS = [DeliveryError, DeliveryBatch, DeliveryAttempt, DeliveryUser, DeliveryDetail, DeliveryPage];
