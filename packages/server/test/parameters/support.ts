export { closedPort } from '../support/net.js';
import { listenLocal } from '../support/net.js';
import http from 'node:http';
import { SIGNATURE_HEADER, verifySignature } from '@hookreach/protocol';
import { hashToken, tokenPrefix } from '../../src/access/tokens.js';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import type { TestApp } from '../support/test-app.js';

export const PARAMETERS = '/api/v1/parameters';

/** A valid constant-based body; `overrides` replace top-level fields. */
export function constantBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'constant',
    name: 'Coupon',
    description: 'Coupons of the winter campaign',
    values: [
      { name: 'C42', displayName: '42% off' },
      { name: 'C10', displayName: '10% off' },
    ],
    ...overrides,
  };
}

/** A valid interface-based body; `overrides` replace top-level fields. */
export function interfaceBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'interface',
    name: 'Stores',
    description: 'Input: city',
    url: 'https://crm.example.com/options',
    authMethod: 'key',
    key: 'k3y-0f-the-stores-interface',
    systemParameters: [{ name: 'user', displayName: 'Logon user', value: 'currentUser' }],
    associatedParameters: [{ name: 'tags', displayName: 'Tags', source: 'manual', value: 'a|b', separator: '|' }],
    ...overrides,
  };
}

/** Creates a parameter as the admin and returns its JSON; fails the test on anything but 201. */
export async function create(t: TestApp, body: Record<string, unknown>): Promise<Record<string, unknown> & { id: string; version: number }> {
  const res = await t.request('POST', PARAMETERS, body);
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Every parameter and reference row, to show a rejected write changed nothing. */
export async function snapshot(t: TestApp): Promise<unknown> {
  const db = t.ctx.store.db;
  const parameters = await db.selectFrom('parameters').selectAll().orderBy('id').execute();
  const references = await db.selectFrom('parameter_references').selectAll().orderBy('parameter_id').orderBy('referenced_id').execute();
  return { parameters, references };
}

let members = 0;

/** A new member (admin or not, in the default or another workspace) and its API token. */
export async function memberToken(t: TestApp, options: { admin?: boolean; workspaceId?: string; permissions?: string[] } = {}): Promise<string> {
  const db = t.ctx.store.db;
  const workspaceId = options.workspaceId ?? DEFAULT_WORKSPACE_ID;
  const now = t.clock.now();
  members += 1;
  const id = `mem_test_${members}_${Math.random().toString(36).slice(2, 8)}`;
  await db.insertInto('workspaces').values({ id: workspaceId, name: workspaceId, created_at: now }).onConflict((oc) => oc.doNothing()).execute();
  await db.insertInto('members').values({ id, workspace_id: workspaceId, name: `Member ${members}`, email: `m${members}@example.com`, admin: options.admin ? 1 : 0, created_at: now, updated_at: now }).execute();
  const token = `hrk_test_${id}_token_padding`;
  await db.insertInto('api_tokens').values({ id: `tok_${id}`, member_id: id, token_hash: hashToken(token), prefix: tokenPrefix(token), created_at: now, last_used_at: null, revoked_at: null }).execute();
  if (options.permissions) {
    // A role of their own holding the permissions (reading parameters needs the webhook permission).
    await db.insertInto('roles').values({ id: `role_${id}`, workspace_id: workspaceId, name: `Role of ${id}`, permissions: JSON.stringify(options.permissions), created_at: now, updated_at: now }).execute();
    await db.insertInto('member_roles').values({ member_id: id, role_id: `role_${id}` }).execute();
  }
  return token;
}

/** Inserts a webhook whose parameters use `parameterIds` (the webhook feature is built elsewhere). */
export async function insertWebhookUsing(t: TestApp, name: string, parameterIds: string[]): Promise<string> {
  const db = t.ctx.store.db;
  const now = t.clock.now();
  const id = `wh_test_${Math.random().toString(36).slice(2, 10)}`;
  await db
    .insertInto('webhooks')
    .values({
      id, workspace_id: DEFAULT_WORKSPACE_ID, name, auth_method: 'none', key_sealed: null, url: 'https://crm.example.com/hook', id_types: '["EMAIL"]',
      pass_environment: 0, receipt_enabled: 0, receipt_retention_hours: 24, timeout_ms: 10_000, max_concurrency: 8, max_per_second: 0,
      enabled: 0, latest_test: null, version: 1, created_at: now, updated_at: now,
    })
    .execute();
  await db
    .insertInto('webhook_parameters')
    .values(parameterIds.map((parameterId, i) => ({ webhook_id: id, position: i, name: `p${i}`, display_name: `P${i}`, type: 'parameter', parameter_id: parameterId, required: 1 })))
    .execute();
  return id;
}

/** One request the example interface received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  signatureValid: boolean;
}

/** The store catalogue the example interface serves: stores by city. */
export const STORES = [
  { name: 'S1', displayName: 'Store 1', parentValue: 'BJ' },
  { name: 'S2', displayName: 'Store 2', parentValue: 'BJ' },
  { name: 'S3', displayName: 'Store 3', parentValue: 'SH' },
];

/**
 * An integrator's interface as the docs describe it, on 127.0.0.1: it checks the signature with
 * the shared protocol package and answers options filtered by `parent` and by the associated
 * `city`. Other paths misbehave on purpose, one way each.
 */
export async function startExampleInterface(key: string | null) {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    res.on('error', () => {});
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const timestamp = url.searchParams.get('timestamp') ?? '';
      const nonce = url.searchParams.get('nonce') ?? '';
      const signature = String(req.headers[SIGNATURE_HEADER.toLowerCase()] ?? 'missing');
      const signatureValid = key === null ? signature === '' : verifySignature(key, timestamp, nonce, signature);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = { unparsable: true };
      }
      requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body, signatureValid });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      switch (url.pathname) {
        case '/options': {
          if (!signatureValid) return json(401, { code: 'BAD_SIGNATURE', message: 'signature mismatch' });
          const associated = (body.associatedParameters ?? {}) as Record<string, string>;
          const parent = body.parent as string | undefined;
          const options = STORES.filter((s) => (associated.city === undefined || s.parentValue === associated.city) && (parent === undefined || s.parentValue === parent));
          return json(200, { code: 'OK', message: '', options });
        }
        case '/echo':
          return json(200, { code: 'OK', options: [{ name: 'E1', displayName: 'Echo', parentValue: 'X' }, { name: 'E2', displayName: 'Other', parentValue: 'Y' }, { name: 'E3', displayName: 'Any' }] });
        case '/slow':
          return; // never answers; the client's deadline must end the call
        case '/500':
          return json(500, { code: 'OK', options: [] });
        case '/not-json':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<html>Service temporarily unavailable</html>');
        case '/err':
          return json(200, { code: 'ERR', message: 'no stores for this user' });
        case '/bad-shape':
          return json(200, { code: 'OK', options: { S1: 'Store 1' } });
        case '/long-name':
          return json(200, { code: 'OK', options: [{ name: 'x'.repeat(257), displayName: 'Long' }] });
        case '/too-many':
          return json(200, { code: 'OK', options: Array.from({ length: 1001 }, (_, i) => ({ name: `S${i}`, displayName: `Store ${i}` })) });
        case '/huge': {
          // Streamed without Content-Length, so only counting the bytes read can stop it.
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = ' '.repeat(64 * 1024);
          res.write('{"code":"OK","options":[]');
          for (let i = 0; i < 17 && !res.destroyed; i++) res.write(chunk);
          return res.end('}');
        }
        case '/huge-declared':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) });
          return res.write('{"code":"OK"');
        case '/redirect':
          res.writeHead(302, { location: '/options' });
          return res.end();
        case '/reset':
          return req.socket.destroy();
        default:
          return json(404, { code: 'NOT_FOUND' });
      }
    });
  });
  return { requests, ...(await listenLocal(server)) };
}

