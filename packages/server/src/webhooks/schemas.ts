import { Type, type Static } from 'typebox';
import { Nullable, PageQuery, StringEnum } from '../http/schemas.js';
import { AUTH_METHODS, PARAMETER_TYPES } from './model.js';

/** Limits of a webhook's settings; the semantic validator and the docs use the same numbers. */
export const LIMITS = {
  name: 64,
  key: 256,
  url: 2048,
  idTypes: 14,
  parameters: 50,
  parameterName: 32,
  displayName: 32,
  statuses: 50,
  statusCode: 32,
  statusValue: 32,
  /** 30 days: receipts are stored per user and send, so the window bounds storage (Svix caps payload retention at 90 days). */
  retentionHours: 720,
} as const;

export const PARAMETER_NAME = '^[A-Za-z0-9_]{1,32}$';
export const STATUS_CODE = '^[A-Za-z0-9_.-]{1,32}$';
/** Identifiers of webhooks and managed parameters; anything else (e.g. NUL, which PostgreSQL refuses) is a 400, never a 500. */
const ID_PATTERN = '^[A-Za-z0-9_-]+$';

/** `{id}` of every webhook route. */
export const WebhookIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN }) });

const ParameterInput = Type.Object(
  {
    name: Type.String({ pattern: PARAMETER_NAME, description: 'Key in the body\'s `params`: letters, digits, underscore' }),
    displayName: Type.String({ minLength: 1, maxLength: LIMITS.displayName }),
    type: StringEnum(PARAMETER_TYPES),
    parameterId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN, description: 'Managed parameter; required iff type is `parameter`' })),
    required: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

const StatusInput = Type.Object(
  {
    code: Type.String({ pattern: STATUS_CODE }),
    value: Type.String({ minLength: 1, maxLength: LIMITS.statusValue }),
  },
  { additionalProperties: false },
);

const ReceiptInput = Type.Object(
  {
    enabled: Type.Boolean(),
    retentionHours: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.retentionHours, default: 72 })),
    statuses: Type.Optional(Type.Array(StatusInput, { maxItems: LIMITS.statuses, default: [] })),
  },
  { additionalProperties: false },
);

const DeliveryInput = Type.Object(
  {
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 10_000, default: 10_000, description: 'Per-request timeout; at most the document\'s 10 s' })),
    maxConcurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, default: 8, description: 'Requests in flight at once' })),
    maxPerSecond: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, default: 0, description: 'Requests per second; 0 = unlimited' })),
  },
  { additionalProperties: false },
);

/** Body of create and edit (edit is a full replacement; `key` may be omitted to keep the stored one). */
export const WebhookInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
    authMethod: StringEnum(AUTH_METHODS),
    key: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.key, description: 'Write-only' })),
    url: Type.String({ minLength: 1, maxLength: LIMITS.url }),
    idTypes: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: LIMITS.idTypes }),
    parameters: Type.Optional(Type.Array(ParameterInput, { maxItems: LIMITS.parameters, default: [] })),
    passEnvironment: Type.Optional(Type.Boolean({ default: false })),
    receipt: Type.Optional(ReceiptInput),
    delivery: Type.Optional(DeliveryInput),
  },
  { $id: 'WebhookInput', title: 'WebhookInput', additionalProperties: false },
);
export type WebhookInput = Static<typeof WebhookInput>;

/** Body of copy. */
export const WebhookCopyInput = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name, description: 'Default: "<name> (copy)"' })) },
  { $id: 'WebhookCopyInput', title: 'WebhookCopyInput', additionalProperties: false },
);
export type WebhookCopyInput = Static<typeof WebhookCopyInput>;

const LatestTest = Type.Object(
  {
    ok: Type.Boolean(),
    at: Type.String({ format: 'date-time' }),
    idType: Type.String(),
    targetId: Type.String(),
    httpStatus: Type.Optional(Type.Integer()),
    code: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
  },
  { $id: 'WebhookLatestTest', title: 'WebhookLatestTest' },
);

/** A webhook as every read answers it. */
export const Webhook = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    authMethod: StringEnum(AUTH_METHODS),
    url: Type.String(),
    idTypes: Type.Array(Type.String()),
    parameters: Type.Array(
      Type.Object({
        name: Type.String(),
        displayName: Type.String(),
        type: StringEnum(PARAMETER_TYPES),
        parameterId: Type.Optional(Type.String()),
        required: Type.Boolean(),
      }),
    ),
    passEnvironment: Type.Boolean(),
    receipt: Type.Object({
      enabled: Type.Boolean(),
      retentionHours: Type.Integer(),
      statuses: Type.Array(Type.Object({ code: Type.String(), value: Type.String() })),
    }),
    delivery: Type.Object({ timeoutMs: Type.Integer(), maxConcurrency: Type.Integer(), maxPerSecond: Type.Integer() }),
    enabled: Type.Boolean(),
    latestTest: Nullable(Type.Ref('WebhookLatestTest')),
    keySet: Type.Boolean({ description: 'Whether a key is stored; the key itself is never returned' }),
    version: Type.Integer({ description: 'Also sent as the ETag' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Webhook', title: 'Webhook' },
);

export const WebhookPage = Type.Object(
  { items: Type.Array(Type.Ref('Webhook')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'WebhookPage', title: 'WebhookPage' },
);

export const WebhookListQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200, pattern: '^\\P{Cc}*$', description: 'Name contains (case-insensitive); no control characters' })),
  enabled: Type.Optional(Type.Boolean()),
  ...PageQuery,
});
export type WebhookListQuery = Static<typeof WebhookListQuery>;

export const PreviewQuery = Type.Object({
  idType: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'One of the webhook\'s ID types; default the first' })),
});

/** The exact HTTP request a receiver would get for one sample user. */
export const WebhookPreview = Type.Object(
  {
    method: Type.String(),
    url: Type.String(),
    headers: Type.Record(Type.String(), Type.String()),
    body: Type.Unknown({ description: 'rawBody parsed: the JSON array of one user' }),
    rawBody: Type.String({ description: 'The exact bytes of the body (UTF-8)' }),
  },
  { $id: 'WebhookPreview', title: 'WebhookPreview' },
);

/** Every named schema of this feature, to register once. */
export const WEBHOOK_SCHEMAS = [WebhookInput, WebhookCopyInput, LatestTest, Webhook, WebhookPage, WebhookPreview];
