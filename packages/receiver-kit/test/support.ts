import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildUserMessage,
  newNonce,
  RECEIPT_PATH,
  requestHeaders,
  serializeBatch,
  SIGNATURE_HEADER,
  signedUrl,
  unixSeconds,
  verifySignature,
  type WebHookCallBackMessage,
  type WebhookUserMessage,
} from '@hookreach/protocol';

/** One user as Hookreach sends it, with distinct callback_params per index. */
export function sampleUser(i: number, batch = 'batch_1'): WebhookUserMessage {
  return buildUserMessage({
    user_profile: { target_type: 'OPEN_ID', target_id: `o_${i}`, customer_id: `cst_${i}` },
    params: { coupon_id: 'CP2026', amount: 12.5, content: `Hello 北京 ${i}` },
    callback_params: {
      webhook_id: '13312313',
      send_time: '1625037472000',
      nodeId: 'node_7',
      instanceId: 'inst_55',
      batchId: batch,
      actionId: `act_${i}`,
      customerId: `cst_${i}`,
    },
    process_info: { processInstanceId: 'pi_1', groupName: 'node_5:Split:50.00,Group A' },
  });
}

export function sampleUsers(count: number, batch = 'batch_1'): WebhookUserMessage[] {
  return Array.from({ length: count }, (_, i) => sampleUser(i, batch));
}

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timestamp: string;
  nonce: string;
}

/** A webhook POST exactly as the sender builds it, with the protocol package. */
export function signedRequest(
  target: string,
  opts: { key?: string; users?: WebhookUserMessage[]; body?: string; nowMs?: number; nonce?: string } = {},
): SignedRequest {
  const timestamp = String(unixSeconds(opts.nowMs ?? Date.now()));
  const nonce = opts.nonce ?? newNonce();
  const headers = requestHeaders(opts.key ? { authMethod: 'key', key: opts.key, timestamp, nonce } : { authMethod: 'none', timestamp, nonce });
  const body = opts.body ?? serializeBatch(opts.users ?? sampleUsers(3));
  return { url: signedUrl(target, timestamp, nonce), headers, body, timestamp, nonce };
}

export async function post(req: SignedRequest): Promise<{ status: number; json: { code: string; message: string } }> {
  const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body });
  return { status: res.status, json: (await res.json()) as { code: string; message: string } };
}

export interface ReportCall {
  url: URL;
  signature: string | undefined;
  contentType: string | undefined;
  body: WebHookCallBackMessage[];
  /** Why the fake refused the call, if it did. */
  problem?: string;
}

/** A fake receipt API on 127.0.0.1:0 that checks path, timestamp, nonce and signature, records bodies and answers like Quick Audience. */
export async function startReportServer(opts: { key?: string; answer?: (call: ReportCall) => { status: number; body: string } | undefined } = {}) {
  const calls: ReportCall[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const received = () => calls.reduce((n, c) => n + (c.problem ? 0 : c.body.length), 0);
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const signature = req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined;
      const call: ReportCall = { url, signature, contentType: req.headers['content-type'], body: [] };
      const timestamp = url.searchParams.get('timestamp') ?? '';
      const nonce = url.searchParams.get('nonce') ?? '';
      try {
        call.body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebHookCallBackMessage[];
      } catch {
        call.problem = 'body is not JSON';
      }
      if (url.pathname !== RECEIPT_PATH && !url.pathname.endsWith(RECEIPT_PATH)) call.problem = `wrong path ${url.pathname}`;
      else if (!/^\d{10}$/.test(timestamp) || Math.abs(Number(timestamp) - Date.now() / 1000) > 5) call.problem = `bad timestamp ${timestamp}`;
      else if (!/^[0-9a-f]{32}$/.test(nonce)) call.problem = `bad nonce ${nonce}`;
      else if (opts.key ? !verifySignature(opts.key, timestamp, nonce, signature ?? '') : signature !== '') call.problem = 'bad signature';
      else if (call.contentType !== 'application/json') call.problem = `bad content type ${call.contentType}`;
      calls.push(call);
      const custom = opts.answer?.(call);
      const status = custom?.status ?? (call.problem ? 401 : 200);
      const body = custom?.body ?? JSON.stringify(call.problem ? { code: 401, message: call.problem } : { code: 200, message: 'Success' });
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      for (const w of [...waiters]) {
        if (received() >= w.count) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    received,
    /** Resolves once this many receipts were accepted (fails the test after 5 s). */
    waitFor(count: number): Promise<void> {
      if (received() >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received()} of ${count} receipts arrived`)), 5_000);
        waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(); } });
      });
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
