/**
 * The catalogue of every error Hookreach answers with. Each has a stable code that clients may
 * match on, and one HTTP status; `http/error-handler.ts` turns them into the shared JSON shape
 * `{"error": {"code", "message", "details"?}}`.
 */

/** One field-level problem, with a path such as `parameters[1].name`. */
export interface FieldError {
  path: string;
  message: string;
}

/** An error from the catalogue. */
export class HookreachError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
    this.name = 'HookreachError';
  }
}

type Factory<A extends unknown[]> = ((...args: A) => HookreachError) & { code: string; statusCode: number };

function define<A extends unknown[]>(
  code: string,
  statusCode: number,
  message: (...args: A) => string,
  details?: (...args: A) => unknown[] | undefined,
): Factory<A> {
  const factory = (...args: A) => new HookreachError(code, statusCode, message(...args), details?.(...args));
  return Object.assign(factory, { code, statusCode });
}

export const errors = {
  validation: define(
    'VALIDATION',
    400,
    (details: FieldError[], message?: string) => message ?? `The request is invalid (${details.length} problem${details.length === 1 ? '' : 's'})`,
    (details) => details,
  ),
  malformedJson: define('MALFORMED_JSON', 400, (reason: string) => `The request body is not valid JSON: ${reason}`),
  badRequest: define('BAD_REQUEST', 400, (message: string) => message),
  badUrl: define('BAD_URL', 400, () => 'The URL is not valid (bad percent-encoding)'),
  uriTooLong: define('URI_TOO_LONG', 414, () => 'A path segment of the URL is too long'),
  unauthorized: define('UNAUTHORIZED', 401, () => 'A valid API token is required: send "Authorization: Bearer <token>"'),
  adminRequired: define('ADMIN_REQUIRED', 403, () => 'This action needs an administrator'),
  permissionRequired: define(
    'PERMISSION_REQUIRED',
    403,
    (permission: string, displayName: string) => `This action needs a role with the permission "${displayName}" (${permission})`,
    (permission) => [{ permission }],
  ),
  grantRequired: define(
    'GRANT_REQUIRED',
    403,
    (webhookId: string, reason: string) => `You have no valid grant on webhook "${webhookId}": ${reason}`,
    (webhookId, reason) => [{ webhookId, reason }],
  ),
  memberDisabled: define('MEMBER_DISABLED', 403, () => 'This member is disabled; an administrator can enable it again'),
  memberRemoved: define('MEMBER_REMOVED', 403, (memberId: string) => `Member "${memberId}" has been deleted`),
  receiptUnauthorized: define('RECEIPT_UNAUTHORIZED', 401, (reason: string) => `The receipt report is not authenticated: ${reason}`),
  receiptsRejected: define(
    'RECEIPTS_REJECTED',
    400,
    (summary: string, _rejected: { index: number; msg_id: string; reason: string }[]) => summary,
    (_summary, rejected) => rejected,
  ),
  tooManyReceipts: define('TOO_MANY_RECEIPTS', 413, (count: number, limit: number) => `A receipt report holds at most ${limit} receipts, got ${count}`),
  notFound: define('NOT_FOUND', 404, (resource: string, id: string) => `${resource} "${id}" does not exist`),
  routeNotFound: define('ROUTE_NOT_FOUND', 404, (method: string, url: string) => `No route ${method} ${url}`),
  methodNotAllowed: define('METHOD_NOT_ALLOWED', 405, (method: string) => `Method ${method} is not allowed here`),
  webhookEnabled: define('WEBHOOK_ENABLED', 409, (action: string) => `Disable the webhook before you ${action} it`),
  webhookInUse: define(
    'WEBHOOK_IN_USE',
    409,
    (usages: { kind: string; id: string; name: string }[]) =>
      `The webhook is used by ${usages.map((u) => `${u.kind} "${u.name}"`).join(', ')}`,
    (usages) => usages,
  ),
  parameterInUse: define(
    'PARAMETER_IN_USE',
    409,
    (users: { kind: string; id: string; name: string }[]) =>
      `The parameter is used by ${users.map((u) => `${u.kind} "${u.name}"`).join(', ')}`,
    (users) => users,
  ),
  audienceInUse: define(
    'AUDIENCE_IN_USE',
    409,
    (usages: { kind: string; id: string; name: string }[]) =>
      `The audience is used by ${usages.map((u) => `${u.kind} "${u.name}"`).join(', ')}`,
    (usages) => usages,
  ),
  importInProgress: define('IMPORT_IN_PROGRESS', 409, (audienceId: string) => `An import into audience "${audienceId}" is already running; wait for it to finish`),
  receiptStatusLocked: define(
    'RECEIPT_STATUS_LOCKED',
    409,
    (codes: string[]) => `Saved receipt statuses cannot be changed or removed: ${codes.join(', ')}`,
    (codes) => codes.map((code) => ({ path: 'receipt.statuses', message: `status "${code}" was changed or removed` })),
  ),
  deliveryPayloadPurged: define(
    'DELIVERY_PAYLOAD_PURGED',
    409,
    (id: string) => `Delivery "${id}" cannot be sent again: its body was purged by retention (HOOKREACH_RETAIN_PAYLOADS)`,
  ),
  deliveryNotRetryable: define(
    'DELIVERY_NOT_RETRYABLE',
    409,
    (status: string) => `Only a failed or cancelled delivery can be re-sent; this one is ${status}`,
  ),
  taskNotEditable: define(
    'TASK_NOT_EDITABLE',
    409,
    (reason: string) => `The task can no longer be edited: ${reason}`,
  ),
  taskNotDeletable: define(
    'TASK_NOT_DELETABLE',
    409,
    (reason: string) => `The task cannot be deleted now: ${reason}`,
  ),
  taskNotCancellable: define('TASK_NOT_CANCELLABLE', 409, (status: string) => `Only a pending or sending task can be cancelled; this one is ${status}`),
  taskWebhookChanged: define(
    'TASK_WEBHOOK_CHANGED',
    409,
    (problems: { path: string; message: string }[]) => `The webhook changed since the task was saved: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
    (problems) => problems,
  ),
  journeyState: define('JOURNEY_STATE', 409, (status: string, action: string) => `A ${status} journey cannot be ${action}`),
  journeyEntryClosed: define('JOURNEY_ENTRY_CLOSED', 409, (reason: string) => `Users cannot enter this journey: ${reason}`),
  alreadyExists: define(
    'ALREADY_EXISTS',
    409,
    (resource: string, field: string, value: string) => `A ${resource} with ${field} "${value}" already exists`,
    (_resource, field, value) => [{ path: field, message: `"${value}" is already taken` }],
  ),
  builtInAdmin: define('BUILT_IN_ADMIN', 409, (action: string) => `The built-in administrator cannot be ${action}`),
  tooManyTokens: define('TOO_MANY_TOKENS', 409, (limit: number) => `A member may hold at most ${limit} active API tokens; revoke one first`),
  concurrentModification: define(
    'CONCURRENT_MODIFICATION',
    409,
    (resource: string) => `The ${resource} was changed by another request; read it again and retry`,
  ),
  preconditionFailed: define(
    'PRECONDITION_FAILED',
    412,
    (resource: string) => `The ${resource} no longer matches If-Match; read it again and retry`,
  ),
  payloadTooLarge: define('PAYLOAD_TOO_LARGE', 413, (limit: number) => `The request body exceeds ${limit} bytes`),
  unsupportedMediaType: define(
    'UNSUPPORTED_MEDIA_TYPE',
    415,
    (type: string, accepted = 'application/json') => `Content-Type "${type}" is not supported; send ${accepted}`,
  ),
  interfaceFailed: define(
    'INTERFACE_FAILED',
    502,
    (reason: string) => `The parameter's interface did not give usable values: ${reason}`,
  ),
  notReady: define('NOT_READY', 503, (reason: string) => `Not ready: ${reason}`),
  internal: define('INTERNAL', 500, () => 'An unexpected error occurred; it has been logged'),
};
