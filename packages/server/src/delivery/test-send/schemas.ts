import { Type, type Static } from 'typebox';
import { Nullable, PageQuery } from '../../http/schemas.js';

/** Longest test ID and customer ID, in characters. */
export const MAX_TARGET_ID = 256;

const ID_PATTERN = '^[A-Za-z0-9_-]+$';

/** `{id}` and `{testId}` of the log route. */
export const TestSendParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN }),
  testId: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN }),
});

/** Body of `POST /webhooks/{id}/test-sends`. */
export const TestSendInput = Type.Object(
  {
    idType: Type.String({ minLength: 1, maxLength: 32, description: 'One of the webhook\'s ID types (user_profile.target_type)' }),
    targetId: Type.String({ minLength: 1, maxLength: MAX_TARGET_ID, description: 'The test ID (user_profile.target_id)' }),
    customerId: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_TARGET_ID, description: 'user_profile.customer_id and callback_params.customerId; default targetId' })),
    params: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        maxProperties: 100,
        default: {},
        description: 'Test values by parameter name: strings; a numeric parameter also takes a JSON number',
      }),
    ),
  },
  { $id: 'TestSendInput', title: 'TestSendInput', additionalProperties: false },
);
export type TestSendInput = Static<typeof TestSendInput>;

/** The result of one test send, as the API answers it (and lists it). */
export const TestSendResult = Type.Object(
  {
    id: Type.String(),
    success: Type.Boolean({ description: 'HTTP 2xx and a JSON body whose code is exactly "OK"' }),
    httpStatus: Nullable(Type.Integer({ description: 'null when no answer came (timeout, refused connection...)' })),
    code: Nullable(Type.String({ description: 'The receiver\'s `code`, when it gave one' })),
    message: Nullable(Type.String({ description: 'The receiver\'s `message`, when it gave one' })),
    latencyMs: Type.Integer(),
    error: Nullable(Type.String({ description: 'Why the test failed, in words; null on success' })),
    idType: Type.String(),
    targetId: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'TestSendResult', title: 'TestSendResult' },
);
export type TestSendResult = Static<typeof TestSendResult>;

export const TestSendPage = Type.Object(
  { items: Type.Array(Type.Ref('TestSendResult')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'TestSendPage', title: 'TestSendPage' },
);

export const TestSendListQuery = Type.Object({ ...PageQuery });

/** Every named schema of this feature, to register once. */
export const TEST_SEND_SCHEMAS = [TestSendInput, TestSendResult, TestSendPage];
