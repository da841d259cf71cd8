export { closedPort } from '../support/net.js';
import { listenLocal } from '../support/net.js';
import http from 'node:http';
import { SIGNATURE_HEADER, verifySignature } from '@hookreach/protocol';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { hashToken, tokenPrefix } from '../../src/access/tokens.js';
import type { TestApp } from '../support/test-app.js';

/** A key no other text in a test could contain by chance. */
export const KEY = 'Tst-K3y_9f81c2de77 secret';

/** One raw request the recording receiver got. */
export interface Recorded {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  query: URLSearchParams;
  /** Header names and values in the order received. */
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  /** The body bytes as received. */
  body: Buffer;
  /** The signature verifies with `key` (or is `""` when the receiver expects no authentication). */
  signatureValid: boolean;
}

/**
 * A node:http receiver that records every raw request and answers by path: `/ok`, `/500`, `/err`
 * (200 with code ERR), `/not-json`, `/slow` (never answers), `/echo-key` (echoes `key` back),
 * `/options` and `/options-broken` (a parameter interface).
 */
export async function startRecorder(key: string | null) {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    res.on('error', () => {});
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const signature = req.headers[SIGNATURE_HEADER.toLowerCase()];
      const timestamp = url.searchParams.get('timestamp') ?? '';
      const nonce = url.searchParams.get('nonce') ?? '';
      const signatureValid = key === null ? signature === '' : typeof signature === 'string' && verifySignature(key, timestamp, nonce, signature);
      requests.push({ method: req.method ?? '', url: req.url ?? '', query: url.searchParams, rawHeaders: req.rawHeaders, headers: req.headers, body: Buffer.concat(chunks), signatureValid });
      const json = (status: number, value: unknown, extra: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...extra });
        res.end(JSON.stringify(value));
      };
      switch (url.pathname) {
        case '/ok':
          return json(200, { code: 'OK', message: 'queued for 1917810' }, { 'x-receiver': 'recorder' });
        case '/500':
          return json(500, { code: 'ERR_INTERNAL', message: 'database down' });
        case '/err':
          return json(200, { code: 'ERR', message: 'user 1917810 is not a member' });
        case '/not-json':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<html>Service temporarily unavailable</html>');
        case '/slow':
          return; // never answers: the webhook's timeout must end the call
        case '/echo-key':
          return json(401, { code: 'BAD_SIGNATURE', message: `expected key ${key}` }, { 'x-expected-key': String(key) });
        case '/options':
          return json(200, { code: 'OK', options: [{ name: 'S1', displayName: 'Store 1' }, { name: 'S2', displayName: 'Store 2' }] });
        case '/options-broken':
          return json(503, { code: 'DOWN', message: 'maintenance' });
        default:
          return json(404, { code: 'NOT_FOUND' });
      }
    });
  });
  return { requests, ...(await listenLocal(server)) };
}


/** Creates a webhook through the API (201 expected); `overrides` replace top-level fields of a keyed OPEN_ID/MOBILE webhook. */
export async function createWebhook(t: TestApp, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string; version: number }> {
  const res = await t.request('POST', '/api/v1/webhooks', {
    name: 'Coupon sender',
    authMethod: 'key',
    key: KEY,
    url: 'http://127.0.0.1:9/unused',
    idTypes: ['OPEN_ID', 'MOBILE'],
    parameters: [],
    ...overrides,
  });
  expect(res.statusCode, res.body).toBe(201);
  t.clock.advance(1000);
  return res.json();
}

/** POSTs a test send as the admin (or `token`). */
export function testSend(t: TestApp, webhookId: string, body: unknown, token?: string | null): Promise<LightMyRequestResponse> {
  return t.request('POST', `/api/v1/webhooks/${webhookId}/test-sends`, body, token);
}

/** Adds a non-admin member of the default workspace; returns its token. */
export async function memberToken(t: TestApp): Promise<string> {
  const now = t.clock.now();
  const id = `mem_ts_${Math.random().toString(36).slice(2, 10)}`;
  const token = `hrk_test_${id}_padding_token`;
  await t.ctx.store.db.insertInto('members').values({ id, workspace_id: DEFAULT_WORKSPACE_ID, name: 'Marketer', email: `${id}@example.com`, admin: 0, created_at: now, updated_at: now }).execute();
  await t.ctx.store.db
    .insertInto('api_tokens')
    .values({ id: `tok_${id}`, member_id: id, token_hash: hashToken(token), prefix: tokenPrefix(token), created_at: now, last_used_at: null, revoked_at: null })
    .execute();
  return token;
}

/** The webhook row and its stored tests, to prove a refused test send changed nothing. */
export async function storedState(t: TestApp, webhookId: string): Promise<unknown> {
  const db = t.ctx.store.db;
  return {
    webhook: await db.selectFrom('webhooks').selectAll().where('id', '=', webhookId).executeTakeFirst(),
    tests: await db.selectFrom('test_sends').selectAll().where('webhook_id', '=', webhookId).orderBy('id').execute(),
  };
}
