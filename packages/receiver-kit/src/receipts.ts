import { randomFillSync } from 'node:crypto';
import {
  newNonce,
  RECEIPT_PATH,
  RECEIPT_SUCCESS_CODE,
  requestHeaders,
  signedUrl,
  unixSeconds,
  type WebHookCallBackMessage,
  type WebhookUserMessage,
} from '@hookreach/protocol';

/** Most receipts sent in one receipt request; longer lists are split. */
export const MAX_RECEIPTS_PER_REQUEST = 10_000;
/** Default timeout of one receipt request. */
export const DEFAULT_REPORT_TIMEOUT_MS = 10_000;
const MAX_ECHO = 256;

const IDS_PER_FILL = 1024;
const idPool = Buffer.allocUnsafe(16 * IDS_PER_FILL);
let nextId = IDS_PER_FILL;

/**
 * A receipt `msg_id`: 32 random lowercase hex characters (128 bits, the format of newNonce). Random bytes are drawn
 * 16 KiB at a time: one randomBytes call per receipt was the reference receiver's largest cost.
 */
export function newMessageId(): string {
  if (nextId === IDS_PER_FILL) {
    randomFillSync(idPool);
    nextId = 0;
  }
  const start = 16 * nextId++;
  return idPool.toString('hex', start, start + 16);
}

/** A receipt for one received user: a fresh 32-hex msg_id, cst_id = customer_id, callback_params returned as is (same object). */
export function receiptFor(user: WebhookUserMessage, status: string, nowMs: number = Date.now()): WebHookCallBackMessage {
  return {
    msg_id: newMessageId(),
    status,
    cst_id: user.user_profile.customer_id,
    send_time: String(nowMs),
    callback_params: user.callback_params as unknown as Record<string, string>,
  };
}

export interface ReportReceiptsInput {
  /** Where Hookreach (or Quick Audience) runs, e.g. `http://127.0.0.1:8080`; a path prefix is kept. */
  baseUrl: string | URL;
  /** The webhook's key; without one the signature header is sent as "". */
  key?: string | null;
  receipts: readonly WebHookCallBackMessage[];
  /** Defaults to the global fetch. */
  fetchImpl?: typeof fetch;
  /** Clock for the `timestamp` parameter, epoch ms; default Date.now() at each request. */
  nowMs?: number;
  /** Receipts per request, 1..10,000 (default 10,000). */
  batchSize?: number;
  /** Timeout of each request; default 10 s. */
  timeoutMs?: number;
}

/** The answer to one receipt request. */
export interface ReceiptResponse {
  /** HTTP status. */
  status: number;
  /** The answer's numeric `code` (200 is success); undefined when the answer has none or is not JSON. */
  code: number | undefined;
  /** The answer's `message`, or the start of the body when it is not the expected JSON. */
  message: string | undefined;
  /** Receipts carried by this request. */
  receipts: number;
  /** HTTP 2xx and code 200. */
  ok: boolean;
}

export interface ReportReceiptsResult {
  /** Every request answered HTTP 2xx with code 200. */
  ok: boolean;
  /** The last request's answer (the failing one when ok is false). */
  status: number;
  code: number | undefined;
  message: string | undefined;
  /** How many receipts, from the start of the list, were accepted; resend `receipts.slice(accepted)` after a failure. */
  accepted: number;
  /** One entry per request sent; sending stops at the first request that is not accepted. */
  responses: ReceiptResponse[];
}

/** A receipt request could not be sent or got no answer (connection refused, DNS, timeout...). */
export class ReceiptReportError extends Error {
  override readonly name = 'ReceiptReportError';
  constructor(
    message: string,
    /** The receipt API URL (with timestamp and nonce) that failed. */
    readonly url: string,
    /** Receipts accepted by earlier requests of the same call. */
    readonly accepted: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The receipt API URL under a base URL: the base's path prefix kept, RECEIPT_PATH appended. */
export function receiptUrl(baseUrl: string | URL): URL {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`the receipt base URL must be http or https, got ${url.protocol}`);
  }
  url.pathname = url.pathname.replace(/\/+$/, '') + RECEIPT_PATH;
  url.hash = '';
  return url;
}

/**
 * Reports receipts: POSTs the list (split into requests of at most 10,000) to `<baseUrl>/restapi/marketing2/webhook/receiveWebHookCallBack`
 * with `timestamp`, `nonce` and the signature. An empty list sends one `[]` request. Stops at the first answer that is not
 * HTTP 2xx with `code` 200 and returns it; throws ReceiptReportError when a request gets no answer at all.
 */
export async function reportReceipts(input: ReportReceiptsInput): Promise<ReportReceiptsResult> {
  const { receipts } = input;
  if (!Array.isArray(receipts)) throw new TypeError('receipts must be an array of WebHookCallBackMessage');
  const batchSize = input.batchSize ?? MAX_RECEIPTS_PER_REQUEST;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_RECEIPTS_PER_REQUEST) {
    throw new RangeError(`batchSize must be an integer from 1 to ${MAX_RECEIPTS_PER_REQUEST}, got ${batchSize}`);
  }
  const target = receiptUrl(input.baseUrl).href;
  const fetchImpl = input.fetchImpl ?? fetch;
  const key = input.key === null || input.key === '' ? undefined : input.key;
  const timeoutMs = input.timeoutMs ?? DEFAULT_REPORT_TIMEOUT_MS;

  const responses: ReceiptResponse[] = [];
  let accepted = 0;
  let offset = 0;
  do {
    const chunk = receipts.length <= batchSize && offset === 0 ? receipts : receipts.slice(offset, offset + batchSize);
    const timestamp = unixSeconds(input.nowMs ?? Date.now());
    const nonce = newNonce();
    const url = signedUrl(target, timestamp, nonce);
    const headers = requestHeaders(key === undefined ? { authMethod: 'none', timestamp, nonce } : { authMethod: 'key', key, timestamp, nonce });
    let status: number;
    let text: string;
    try {
      const response = await fetchImpl(url, { method: 'POST', headers, body: JSON.stringify(chunk), signal: AbortSignal.timeout(timeoutMs) });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw new ReceiptReportError(`could not report ${chunk.length} receipts to ${url}: ${describeFailure(error, timeoutMs)}`, url, accepted, { cause: error });
    }
    const answer = readAnswer(status, text, chunk.length);
    responses.push(answer);
    if (!answer.ok) break;
    accepted += chunk.length;
    offset += chunk.length;
  } while (offset < receipts.length);

  const last = responses[responses.length - 1]!;
  return { ok: accepted === receipts.length && last.ok, status: last.status, code: last.code, message: last.message, accepted, responses };
}

function readAnswer(status: number, text: string, receipts: number): ReceiptResponse {
  let code: number | undefined;
  let message: string | undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const body = parsed as Record<string, unknown>;
    if (typeof body.code === 'number') code = body.code;
    if (typeof body.message === 'string') message = clip(body.message);
    else if (body.message !== undefined) message = clip(JSON.stringify(body.message));
    if (code === undefined && body.code !== undefined) message = clip(`code is ${JSON.stringify(body.code)}, not a number${message ? `: ${message}` : ''}`);
  } else if (text.trim() !== '') {
    message = clip(text);
  }
  const ok = status >= 200 && status <= 299 && code === RECEIPT_SUCCESS_CODE;
  return { status, code, message, receipts, ok };
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail = cause && typeof cause.message === 'string' && cause.message !== '' ? cause.message : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return detail ? `${message} (${detail})` : message;
}

const clip = (text: string): string => (text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text);
