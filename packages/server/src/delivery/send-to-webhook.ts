import { classifyResponse, newNonce, requestHeaders, signedUrl, unixSeconds, type WebhookEnvironment } from '@hookreach/protocol';
import type { Dispatcher } from 'undici';
import { callHttp, OutboundError } from '../outbound/http-call.js';
import type { WebhookTarget } from './webhook-target.js';

/** A receiver's answer is read up to this size: only its `code` and `message` matter. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** What one POST to a webhook gave. */
export interface SendOutcome {
  success: boolean;
  /** Whether trying again may help: network errors, timeouts, 408, 429 and 5xx. */
  retryable: boolean;
  httpStatus?: number;
  /** The receiver's `code` and `message`, when it gave them. */
  code?: string;
  message?: string;
  /** Why it failed, in words (network error, timeout, the success rule that was not met). */
  error?: string;
  /** The delay a 429 or 503 asked for with Retry-After. */
  retryAfterMs?: number;
  startedAt: number;
  latencyMs: number;
  /** What was sent (the URL carries timestamp and nonce; headers carry the signature, never the key). */
  request: { url: string; headers: Record<string, string>; timestamp: string; nonce: string };
  response?: { headers: Record<string, string | string[] | undefined>; bodyText: string };
}

/** One signed POST of a prebuilt body. */
export interface SendInput {
  target: WebhookTarget;
  /** The JSON array of users, exactly as sent (text, or its UTF-8 bytes). */
  body: string | Uint8Array;
  /** Sent as headers when the webhook passes the environment. */
  environment: WebhookEnvironment;
  nowMs: number;
  dispatcher: Dispatcher;
  signal?: AbortSignal;
}

const RETRYABLE_STATUS = (status: number) => status === 408 || status === 429 || status >= 500;

/** POSTs a body to a webhook, signed as the document specifies, and classifies the answer. Never throws for a receiver's fault. */
export async function sendToWebhook(input: SendInput): Promise<SendOutcome> {
  const { target } = input;
  const timestamp = String(unixSeconds(input.nowMs));
  const nonce = newNonce();
  const url = signedUrl(target.url, timestamp, nonce);
  const headers = requestHeaders({
    authMethod: target.authMethod,
    ...(target.key !== undefined ? { key: target.key } : {}),
    timestamp,
    nonce,
    ...(target.passEnvironment ? { environment: input.environment } : {}),
  });
  const request = { url, headers, timestamp, nonce };
  const started = performance.now();
  try {
    const result = await callHttp({
      url,
      headers,
      body: input.body,
      timeoutMs: target.timeoutMs,
      maxBodyBytes: MAX_RESPONSE_BYTES,
      dispatcher: input.dispatcher,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    const latencyMs = Math.round(performance.now() - started);
    const response = { headers: result.headers, bodyText: result.bodyText };
    const verdict = classifyResponse(result.status, result.bodyText);
    if (verdict.ok) return { success: true, retryable: false, httpStatus: result.status, code: 'OK', startedAt: input.nowMs, latencyMs, request, response };
    const outcome: SendOutcome = {
      success: false,
      retryable: RETRYABLE_STATUS(result.status),
      httpStatus: result.status,
      error: verdict.reason,
      startedAt: input.nowMs,
      latencyMs,
      request,
      response,
    };
    if (verdict.code !== undefined) outcome.code = verdict.code;
    if (verdict.message !== undefined) outcome.message = verdict.message;
    const retryAfterMs = parseRetryAfter(result.headers['retry-after'], input.nowMs);
    if (retryAfterMs !== undefined && (result.status === 429 || result.status === 503)) outcome.retryAfterMs = retryAfterMs;
    return outcome;
  } catch (error) {
    if (!(error instanceof OutboundError)) throw error;
    return {
      success: false,
      // Timeouts, transport failures and aborts (shutdown) may go through next time; an oversized answer will not shrink.
      retryable: error.reason !== 'too-large',
      error: error.message,
      startedAt: input.nowMs,
      latencyMs: Math.round(performance.now() - started),
      request,
    };
  }
}

/** Retry-After as delay-seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
