// What an integrator needs from the wire format, re-exported so the kit is the one import.
export {
  makeSignature,
  verifySignature,
  newNonce,
  unixSeconds,
  SIGNATURE_HEADER,
  SUCCESS_CODE,
  MAX_BATCH_SIZE,
  RECEIPT_PATH,
  RECEIPT_SUCCESS_CODE,
} from '@hookreach/protocol';
export type {
  WebhookUserMessage,
  WebhookCallbackParams,
  WebhookProcessInfo,
  WebhookResponseBody,
  WebHookCallBackMessage,
  ReceiptApiResponse,
} from '@hookreach/protocol';

export {
  verifyRequest,
  signedQuery,
  REJECT_STATUS,
  DEFAULT_MAX_SKEW_SECONDS,
  type RejectReason,
  type VerifyRequestInput,
  type VerifyResult,
  type VerifyAccepted,
  type VerifyRejected,
} from './verify.js';
export {
  reportReceipts,
  receiptFor,
  newMessageId,
  receiptUrl,
  ReceiptReportError,
  MAX_RECEIPTS_PER_REQUEST,
  DEFAULT_REPORT_TIMEOUT_MS,
  type ReportReceiptsInput,
  type ReportReceiptsResult,
  type ReceiptResponse,
} from './receipts.js';
export { parseStatuses, checkStatuses, statusPicker, DEFAULT_STATUSES, type StatusWeight } from './statuses.js';
export {
  startReceiver,
  formatStats,
  DEFAULT_MAX_BODY_BYTES,
  type ReceiverOptions,
  type ReceiverHandle,
  type ReceiverStats,
  type ReceivedRequest,
  type ReceiverAnswer,
} from './receiver.js';
