/** What the integrator must answer to a webhook POST: HTTP 2xx with `{"code":"OK"}`. */
export interface WebhookResponseBody {
  code: string;
  message?: string;
}

export type ResponseClassification =
  | { ok: true }
  | { ok: false; status: number; code?: string; message?: string; reason: string };

/** The one `code` that means success, compared case-sensitively. */
export const SUCCESS_CODE = 'OK';
const MAX_ECHO = 256;

const clip = (text: string): string => (text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text);

/** Success is HTTP 2xx AND a JSON object body whose `code` is exactly "OK"; anything else is a failure with a reason. */
export function classifyResponse(status: number, bodyText: string): ResponseClassification {
  let body: unknown;
  let parseError: string | undefined;
  try {
    body = JSON.parse(bodyText.charCodeAt(0) === 0xfeff ? bodyText.slice(1) : bodyText);
  } catch {
    parseError = bodyText.trim() === '' ? 'response body is empty' : 'response body is not JSON';
  }
  const fail: { ok: false; status: number; code?: string; message?: string; reason: string } = { ok: false, status, reason: '' };
  let code: unknown;
  if (parseError === undefined && typeof body === 'object' && body !== null && !Array.isArray(body)) {
    code = (body as Record<string, unknown>).code;
    const message = (body as Record<string, unknown>).message;
    if (code !== undefined && code !== null) fail.code = clip(typeof code === 'string' ? code : JSON.stringify(code));
    if (typeof message === 'string') fail.message = clip(message);
  }
  if (!Number.isInteger(status) || status < 200 || status > 299) {
    fail.reason = `HTTP status ${status} is not 2xx`;
  } else if (parseError !== undefined) {
    fail.reason = parseError;
  } else if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    fail.reason = 'response body is not a JSON object';
  } else if (code === undefined || code === null) {
    fail.reason = 'response JSON has no "code"';
  } else if (code === SUCCESS_CODE) {
    return { ok: true };
  } else {
    fail.reason = `"code" is ${clip(JSON.stringify(code))}, success needs exactly "OK" (case-sensitive)`;
  }
  return fail;
}
