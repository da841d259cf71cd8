import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, SUCCESS_CODE, type WebHookCallBackMessage } from '@hookreach/protocol';
import { MAX_RECEIPTS_PER_REQUEST, receiptFor, receiptUrl, reportReceipts } from './receipts.js';
import { checkStatuses, DEFAULT_STATUSES, statusPicker, type StatusWeight } from './statuses.js';
import { reject, signedQuery, verifyRequest, type RejectReason, type VerifyResult } from './verify.js';

/** Default cap of a request body; larger bodies are answered 413. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_REPORT_CONCURRENCY = 4;
/** Shortest wait between two timed report flushes, so a steady stream of requests is reported in batches, not one by one. */
const MIN_FLUSH_INTERVAL_MS = 10;

export interface ReceiverOptions {
  /** Port to listen on; 0 picks a free one (default 0). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The webhook's key; omit (or "") when the webhook has no authentication. Also signs the receipts. */
  key?: string | null;
  /** Base URL of Hookreach (e.g. http://127.0.0.1:8080); when set, one receipt per accepted user is reported there. */
  reportTo?: string | URL | null;
  /** Receipt statuses drawn at random by weight; default 200 (0.9) and 500 (0.1). */
  statuses?: readonly StatusWeight[];
  /** How long after a request its receipts are reported; default 1000 ms. */
  reportDelayMs?: number;
  /** Receipts per receipt request, 1..10,000; default 1000. */
  reportBatchSize?: number;
  /** Receipt requests in flight at once; default 4. */
  reportConcurrency?: number;
  /** Largest accepted body; default 16 MiB. */
  maxBodyBytes?: number;
  /** Largest accepted |timestamp - now|; default 300 s. */
  maxSkewSeconds?: number;
  /**
   * Called for every request after verification, synchronously. Return an answer to replace the default one
   * (e.g. to simulate failures): receipts are only queued when the final answer is 2xx with code "OK".
   */
  onRequest?: (event: ReceivedRequest) => ReceiverAnswer | void | undefined;
  /** Used to report receipts; default the global fetch. */
  fetchImpl?: typeof fetch;
}

export interface ReceivedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  result: VerifyResult;
}

export interface ReceiverAnswer {
  /** HTTP status, default 200. */
  status?: number;
  code: string;
  message?: string;
}

/** Live counters of a running receiver (mutated in place). */
export interface ReceiverStats {
  /** HTTP requests received. */
  requests: number;
  /** Requests answered 2xx with code "OK". */
  accepted: number;
  /** Requests answered otherwise. */
  rejected: number;
  /** Users in accepted requests. */
  users: number;
  /** Rejected requests by answered code (BAD_SIGNATURE, STALE_TIMESTAMP, BAD_BODY, ...). */
  rejections: Record<string, number>;
  /** Receipts queued for reporting (one per accepted user when reportTo is set). */
  receiptsQueued: number;
  /** Receipts the receipt API accepted. */
  receiptsReported: number;
  /** Receipts whose report failed (not retried). */
  receiptsFailed: number;
  /** Receipt requests sent. */
  reportRequests: number;
  /** Receipt requests that failed (no answer, or not HTTP 2xx with code 200). */
  reportFailures: number;
  /** The last receipt report failure, for troubleshooting. */
  lastReportError: string | undefined;
}

export interface ReceiverHandle {
  port: number;
  /** e.g. http://127.0.0.1:9000 (any path is accepted). */
  url: string;
  stats: ReceiverStats;
  /** Reports every queued receipt now, whatever its delay, and resolves when the reports are answered. */
  flush(): Promise<void>;
  /** Stops accepting requests, then flushes pending receipts. */
  close(): Promise<void>;
}

interface Bucket {
  due: number;
  receipts: WebHookCallBackMessage[];
}

const SIGNATURE = SIGNATURE_HEADER.toLowerCase();
const OK_BODY = Buffer.from(JSON.stringify({ code: SUCCESS_CODE, message: '' }));
const OK_HEADERS = { 'content-type': 'application/json', 'content-length': String(OK_BODY.length) };

/** The counts on one line, e.g. `requests=3 accepted=2 users=200 rejected=1 [BAD_SIGNATURE=1] receipts: queued=200 reported=200 failed=0`. */
export function formatStats(stats: ReceiverStats, withReceipts = true): string {
  const rejections = Object.entries(stats.rejections)
    .map(([code, n]) => `${code}=${n}`)
    .join(' ');
  let line = `requests=${stats.requests} accepted=${stats.accepted} users=${stats.users} rejected=${stats.rejected}`;
  if (rejections) line += ` [${rejections}]`;
  if (withReceipts) {
    line += ` receipts: queued=${stats.receiptsQueued} reported=${stats.receiptsReported} failed=${stats.receiptsFailed}`;
    if (stats.lastReportError) line += ` (last error: ${stats.lastReportError})`;
  }
  return line;
}

function nonNegativeInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER, min = 0): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** Starts the reference receiver: verifies every POST (any path), answers like a conforming integrator and, with reportTo, reports receipts. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<ReceiverHandle> {
  const port = nonNegativeInteger('port', options.port ?? 0, 65_535);
  const host = options.host ?? '127.0.0.1';
  const key = options.key === '' ? undefined : (options.key ?? undefined);
  let reportTo: string | undefined;
  if (options.reportTo) {
    receiptUrl(options.reportTo); // refuses a URL that is not http(s) now, not at the first report
    reportTo = String(options.reportTo);
  }
  const statuses = options.statuses ?? DEFAULT_STATUSES;
  checkStatuses(statuses);
  const pickStatus = statusPicker(statuses);
  const reportDelayMs = nonNegativeInteger('reportDelayMs', options.reportDelayMs ?? 1000, 2_147_483_647);
  const reportBatchSize = nonNegativeInteger('reportBatchSize', options.reportBatchSize ?? 1000, MAX_RECEIPTS_PER_REQUEST, 1);
  const concurrency = nonNegativeInteger('reportConcurrency', options.reportConcurrency ?? DEFAULT_REPORT_CONCURRENCY, 64, 1);
  const maxBodyBytes = nonNegativeInteger('maxBodyBytes', options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, 2 ** 31 - 1, 1);
  const maxSkewSeconds = options.maxSkewSeconds;
  const onRequest = options.onRequest;
  const fetchImpl = options.fetchImpl;

  const stats: ReceiverStats = {
    requests: 0,
    accepted: 0,
    rejected: 0,
    users: 0,
    rejections: {},
    receiptsQueued: 0,
    receiptsReported: 0,
    receiptsFailed: 0,
    reportRequests: 0,
    reportFailures: 0,
    lastReportError: undefined,
  };

  // ---- receipts: buckets wait for their due time, then go to the outbox in chunks of reportBatchSize ----
  const buckets: Bucket[] = [];
  const outbox: WebHookCallBackMessage[][] = [];
  let ready: WebHookCallBackMessage[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inflight = 0;
  let idleWaiters: (() => void)[] = [];

  function enqueue(receipts: WebHookCallBackMessage[], now: number): void {
    stats.receiptsQueued += receipts.length;
    buckets.push({ due: now + reportDelayMs, receipts });
    if (timer === undefined) timer = setTimeout(onTimer, reportDelayMs);
  }

  function onTimer(): void {
    timer = undefined;
    const now = Date.now();
    let taken = 0;
    while (taken < buckets.length && buckets[taken]!.due <= now) take(buckets[taken++]!);
    buckets.splice(0, taken);
    moveReady();
    if (buckets.length > 0) timer = setTimeout(onTimer, Math.max(buckets[0]!.due - now, MIN_FLUSH_INTERVAL_MS));
  }

  function take(bucket: Bucket): void {
    for (const receipt of bucket.receipts) {
      ready.push(receipt);
      if (ready.length === reportBatchSize) {
        outbox.push(ready);
        ready = [];
      }
    }
  }

  function moveReady(): void {
    if (ready.length > 0) {
      outbox.push(ready);
      ready = [];
    }
    pump();
  }

  function pump(): void {
    while (inflight < concurrency && outbox.length > 0) {
      const chunk = outbox.shift()!;
      inflight++;
      stats.reportRequests++;
      reportReceipts({ baseUrl: reportTo!, key, receipts: chunk, fetchImpl, batchSize: MAX_RECEIPTS_PER_REQUEST })
        .then((result) => {
          stats.receiptsReported += result.accepted;
          if (!result.ok) {
            stats.receiptsFailed += chunk.length - result.accepted;
            stats.reportFailures++;
            stats.lastReportError = `HTTP ${result.status}, code ${String(result.code)}${result.message ? `: ${result.message}` : ''}`;
          }
        })
        .catch((error: unknown) => {
          stats.receiptsFailed += chunk.length;
          stats.reportFailures++;
          stats.lastReportError = error instanceof Error ? error.message : String(error);
        })
        .finally(() => {
          inflight--;
          pump();
          if (inflight === 0 && outbox.length === 0) {
            const waiters = idleWaiters;
            idleWaiters = [];
            for (const wake of waiters) wake();
          }
        });
    }
  }

  function flush(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    for (const bucket of buckets) take(bucket);
    buckets.length = 0;
    moveReady();
    if (inflight === 0 && outbox.length === 0) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(resolve));
  }

  // ---- HTTP ----
  let closing = false;

  function answer(res: ServerResponse, status: number, code: string, message: string): void {
    const body = JSON.stringify({ code, message });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  function conclude(req: IncomingMessage, res: ServerResponse, result: VerifyResult): void {
    let status: number;
    let code: string;
    let message: string;
    if (result.ok) {
      status = 200;
      code = SUCCESS_CODE;
      message = '';
    } else {
      status = result.status;
      code = result.reason;
      message = result.message;
    }
    if (onRequest !== undefined) {
      let custom: ReceiverAnswer | void | undefined;
      try {
        custom = onRequest({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, result });
      } catch (error) {
        custom = { status: 500, code: 'RECEIVER_ERROR', message: `onRequest threw: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (custom) {
        status = custom.status ?? 200;
        code = custom.code;
        message = custom.message ?? '';
      }
    }
    if (closing) res.setHeader('connection', 'close');
    if (status >= 200 && status <= 299 && code === SUCCESS_CODE) {
      stats.accepted++;
      if (result.ok) {
        const users = result.users;
        stats.users += users.length;
        if (reportTo !== undefined) {
          const now = Date.now();
          const receipts: WebHookCallBackMessage[] = new Array(users.length);
          for (let i = 0; i < users.length; i++) receipts[i] = receiptFor(users[i]!, pickStatus(), now);
          enqueue(receipts, now);
        }
      }
      if (status === 200 && message === '') {
        res.writeHead(200, OK_HEADERS);
        res.end(OK_BODY);
        return;
      }
    } else {
      stats.rejected++;
      stats.rejections[code] = (stats.rejections[code] ?? 0) + 1;
    }
    answer(res, status, code, message);
  }

  function refuse(req: IncomingMessage, res: ServerResponse, reason: RejectReason, message: string): void {
    res.setHeader('connection', 'close'); // the rest of the body is not read
    conclude(req, res, reject(reason, message));
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    stats.requests++;
    req.on('error', () => {}); // a client that goes away mid-body: nothing to answer
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      conclude(req, res, reject('METHOD_NOT_ALLOWED', 'webhooks are delivered with POST'));
      req.resume();
      return;
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxBodyBytes) {
      refuse(req, res, 'BODY_TOO_LARGE', `the body is larger than ${maxBodyBytes} bytes`);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        tooLarge = true;
        chunks.length = 0;
        refuse(req, res, 'BODY_TOO_LARGE', `the body is larger than ${maxBodyBytes} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return;
      const rawBody = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      const { timestamp, nonce } = signedQuery(req.url ?? '');
      const result = verifyRequest({
        key,
        timestamp,
        nonce,
        signatureHeader: req.headers[SIGNATURE],
        rawBody,
        nowMs: Date.now(),
        maxSkewSeconds,
      });
      conclude(req, res, result);
    });
  }

  const server = createServer({ keepAlive: true, noDelay: true }, handle);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;

  let closed: Promise<void> | undefined;
  return {
    port: bound,
    url,
    stats,
    flush,
    close() {
      closed ??= (async () => {
        closing = true;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await flush();
      })();
      return closed;
    },
  };
}
