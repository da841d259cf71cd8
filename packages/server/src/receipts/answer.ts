import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RECEIPT_SUCCESS_CODE } from '@hookreach/protocol';
import { errors, type FieldError } from '../errors.js';
import { toCatalogueError } from '../http/error-handler.js';
import type { Rejection } from './judge-receipts.js';
import type { ReportOutcome } from './report-receipts.js';

/** The document's answer `{code, message}`; `accepted` and `rejected` only when receipts were refused. */
export interface ReceiptAnswerBody {
  code: number;
  message: string;
  accepted?: number;
  rejected?: Rejection[];
}

/** `code` of an answer whose report was partly accepted: the valid receipts are stored, HTTP status 200. */
export const PARTIAL_CODE = 207;
/** Most problems spelled out in one `message`; the `rejected` list always has every refused receipt. */
const MAX_LISTED = 1000;

const SUCCESS: ReceiptAnswerBody = { code: RECEIPT_SUCCESS_CODE, message: 'Success' };

/** "a; b; c", stopping after MAX_LISTED items with a count of the rest. */
function listed(items: readonly string[]): string {
  const shown = items.slice(0, MAX_LISTED).join('; ');
  return items.length > MAX_LISTED ? `${shown}; and ${items.length - MAX_LISTED} more` : shown;
}

function rejectionSummary(rejected: readonly Rejection[], total: number): string {
  const reasons = rejected.map((r) => `receipts[${r.index}] (msg_id ${JSON.stringify(r.msg_id)}): ${r.reason}`);
  return `${rejected.length} of ${total} receipt${total === 1 ? '' : 's'} rejected: ${listed(reasons)}`;
}

/**
 * The answer to a processed report: 200 "Success" when every receipt was accepted; code 207 (HTTP
 * 200) listing the refused ones when some were kept; a 400 RECEIPTS_REJECTED error when none was.
 */
export function answerFor(outcome: ReportOutcome): ReceiptAnswerBody {
  if (outcome.rejected.length === 0) return SUCCESS;
  const message = rejectionSummary(outcome.rejected, outcome.total);
  if (outcome.accepted === 0) throw errors.receiptsRejected(message, outcome.rejected);
  return { code: PARTIAL_CODE, message, accepted: outcome.accepted, rejected: outcome.rejected };
}

function validationMessage(details: readonly FieldError[]): string {
  const problems = details.map((d) => `${d.path} ${d.message}`);
  return `The receipt report is invalid (${details.length} problem${details.length === 1 ? '' : 's'}): ${listed(problems)}`;
}

/** `[3].status` → `receipts[3].status`: paths name the receipt as the message of a partial answer does. */
function receiptPath(path: string): string {
  return path === '(body)' ? 'body' : path.startsWith('[') ? `receipts${path}` : path;
}

/**
 * The receipts route's error handler: every error answers in the document's shape
 * `{code: <HTTP status>, message}` (not /api/v1's `{"error": ...}`), so an integrator reads one shape.
 */
export function receiptErrorHandler(bodyLimit: number) {
  return (error: FastifyError & { validationContext?: string }, request: FastifyRequest, reply: FastifyReply): void => {
    const known = toCatalogueError(error, bodyLimit);
    const details = known.code === errors.validation.code ? ((known.details ?? []) as FieldError[]).map((d) => ({ path: receiptPath(d.path), message: d.message })) : [];
    if (known.statusCode >= 500) request.log.error({ err: error }, 'receipt report failed');
    // The document's shape has no details: a shape error's message lists every problem itself.
    const message = known.code === errors.validation.code ? validationMessage(details) : known.message;
    const body: ReceiptAnswerBody = { code: known.statusCode, message };
    if (known.code === errors.receiptsRejected.code) {
      body.accepted = 0;
      body.rejected = known.details as Rejection[];
    }
    void reply.status(known.statusCode).send(body);
  };
}
