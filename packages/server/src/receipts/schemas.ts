import { Type } from 'typebox';

/** Most receipts in one report (the receiver kit splits longer lists at the same number). */
export const MAX_RECEIPTS = 10_000;

/** Field limits: loose enough for any integrator, tight enough to bound what one receipt stores. */
export const RECEIPT_LIMITS = {
  msgId: 128,
  status: 64,
  id: 128,
  customerId: 1024,
  paramValue: 4096,
} as const;

/** No control characters (PostgreSQL text cannot hold NUL): the ids are matched and stored. */
export const ID_PATTERN = '^[^\\u0000-\\u001f\\u007f]*$';

/** One `WebHookCallBackMessage` of the document's "Report receipts" section. */
export const ReceiptMessage = Type.Object(
  {
    msg_id: Type.String({ minLength: 1, maxLength: RECEIPT_LIMITS.msgId, pattern: ID_PATTERN, description: 'Unique message ID made by the integrator (32 characters in the document); a repeat is acknowledged, not counted again' }),
    status: Type.String({ minLength: 1, maxLength: RECEIPT_LIMITS.status, description: 'A status code configured in the webhook\'s receipt settings, e.g. "200"' }),
    cst_id: Type.String({ maxLength: RECEIPT_LIMITS.customerId, pattern: ID_PATTERN, description: 'The user\'s user_profile.customer_id' }),
    send_time: Type.String({ pattern: '^[0-9]{1,16}$', description: 'UNIX time in milliseconds, as a string' }),
    callback_params: Type.Object(
      {
        webhook_id: Type.String({ minLength: 1, maxLength: RECEIPT_LIMITS.id, pattern: ID_PATTERN }),
        batchId: Type.String({ minLength: 1, maxLength: RECEIPT_LIMITS.id, pattern: ID_PATTERN }),
        actionId: Type.String({ minLength: 1, maxLength: RECEIPT_LIMITS.id, pattern: ID_PATTERN }),
        customerId: Type.String({ maxLength: RECEIPT_LIMITS.customerId, pattern: ID_PATTERN }),
      },
      {
        additionalProperties: Type.String({ maxLength: RECEIPT_LIMITS.paramValue }),
        description: 'The callback_params of the webhook request, returned as is (every value a string)',
      },
    ),
  },
  { $id: 'ReceiptMessage', title: 'ReceiptMessage', additionalProperties: false },
);

/** The report body: a JSON array of receipts. */
export const ReceiptList = Type.Array(Type.Ref('ReceiptMessage'), { maxItems: MAX_RECEIPTS });

/** `?timestamp=&nonce=`, checked by the route's onRequest hook before the body is read. */
export const ReceiptQuery = Type.Object({
  timestamp: Type.String({ description: 'UNIX time in seconds (milliseconds are accepted too, as in the document\'s sample)' }),
  nonce: Type.String({ description: 'A random string (32 characters in the document), refused when reused within the timestamp window' }),
});

/** `X-QA-Hmac-Signature`: the signature, or "" when the webhook has no authentication. */
export const ReceiptHeaders = Type.Object({ 'x-qa-hmac-signature': Type.String() });

/** One refused receipt of a report. */
export const RejectedReceipt = Type.Object(
  {
    index: Type.Integer({ description: 'Position in the report, from 0' }),
    msg_id: Type.String(),
    reason: Type.String(),
  },
  { $id: 'RejectedReceipt', title: 'RejectedReceipt' },
);

/** Every answer of the receipt API: the document's `{code, message}`, plus the refused receipts when some were. */
export const ReceiptAnswer = Type.Object(
  {
    code: Type.Integer({ description: '200: every receipt accepted. 207: some refused (the others kept). Anything else: an error, nothing stored' }),
    message: Type.String({ description: '"Success", or what went wrong' }),
    accepted: Type.Optional(Type.Integer({ description: 'Receipts accepted (repeats included), when some were refused' })),
    rejected: Type.Optional(Type.Array(Type.Ref('RejectedReceipt'))),
  },
  { $id: 'ReceiptAnswer', title: 'ReceiptAnswer' },
);
