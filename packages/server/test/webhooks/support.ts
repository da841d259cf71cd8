import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { hashToken, tokenPrefix } from '../../src/access/tokens.js';
import type { TestApp } from '../support/test-app.js';

export const MEMBER_TOKEN = 'hrk_test_member_token_0123456789';

/** A valid create body; `overrides` replace top-level fields. */
export function webhookBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Coupon sender',
    authMethod: 'key',
    key: 'k3y-S3cret-value',
    url: 'https://crm.example.com/hook',
    idTypes: ['OPEN_ID', 'MOBILE'],
    parameters: [
      { name: 'define_item1', displayName: 'Coupon', type: 'string', required: true },
      { name: 'define_item2', displayName: 'Content', type: 'text' },
    ],
    passEnvironment: false,
    receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Success' }, { code: 'FAIL', value: 'Failed' }] },
    ...overrides,
  };
}

/** Sends a request as the admin with extra headers (e.g. If-Match). */
export function send(t: TestApp, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url,
    headers: { authorization: 'Bearer hrk_test_admin_token_0123456789', ...headers },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

/** Creates a webhook through the API and returns its JSON (fails the test unless 201). */
export async function createWebhook(t: TestApp, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string; version: number }> {
  const res = await t.request('POST', '/api/v1/webhooks', webhookBody(overrides));
  expect(res.statusCode, res.body).toBe(201);
  t.clock.advance(1000);
  return res.json();
}

/** Creates, then disables, a webhook; returns the disabled webhook. */
export async function createDisabled(t: TestApp, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string; version: number }> {
  const created = await createWebhook(t, overrides);
  const res = await t.request('POST', `/api/v1/webhooks/${created.id}/disable`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Every stored row of one webhook (row, parameters, statuses), to prove a rejected write changed nothing. */
export async function storedState(t: TestApp, id: string): Promise<unknown> {
  const db = t.ctx.store.db;
  return {
    row: await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst(),
    parameters: await db.selectFrom('webhook_parameters').selectAll().where('webhook_id', '=', id).orderBy('position').execute(),
    statuses: await db.selectFrom('receipt_statuses').selectAll().where('webhook_id', '=', id).orderBy('position').execute(),
  };
}

/** Counts of every webhook table, to prove a rejected create wrote nothing. */
export async function tableCounts(t: TestApp): Promise<Record<string, number>> {
  const db = t.ctx.store.db;
  const count = async (table: 'webhooks' | 'webhook_parameters' | 'receipt_statuses' | 'webhook_usages') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return {
    webhooks: await count('webhooks'),
    webhook_parameters: await count('webhook_parameters'),
    receipt_statuses: await count('receipt_statuses'),
    webhook_usages: await count('webhook_usages'),
  };
}

/** Adds a non-admin member with MEMBER_TOKEN to the default workspace (once per app). */
export async function addMember(t: TestApp): Promise<void> {
  const now = t.clock.now();
  await t.ctx.store.db
    .insertInto('members')
    .values({ id: 'mem_user', workspace_id: DEFAULT_WORKSPACE_ID, name: 'Marketer', email: 'm@example.com', admin: 0, created_at: now, updated_at: now })
    .execute();
  await t.ctx.store.db
    .insertInto('api_tokens')
    .values({ id: 'tok_user', member_id: 'mem_user', token_hash: hashToken(MEMBER_TOKEN), prefix: tokenPrefix(MEMBER_TOKEN), created_at: now, last_used_at: null, revoked_at: null })
    .execute();
}

/** Inserts a managed parameter row directly (the parameters feature is built separately). */
export async function addManagedParameter(t: TestApp, id: string, kind: 'constant' | 'interface', settings: unknown, workspaceId = DEFAULT_WORKSPACE_ID): Promise<void> {
  const now = t.clock.now();
  await t.ctx.store.db
    .insertInto('parameters')
    .values({ id, workspace_id: workspaceId, name: id, kind, description: '', settings: JSON.stringify(settings), key_sealed: null, version: 1, created_at: now, updated_at: now })
    .execute();
}

/** Switches an ID type on or off through its API. */
export async function setIdType(t: TestApp, code: string, enabled: boolean): Promise<void> {
  const res = await t.request('PATCH', `/api/v1/id-types/${code}`, { enabled });
  expect(res.statusCode, res.body).toBe(200);
}
