import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestApp } from '../support/test-app.js';

export const WEBHOOK_USE = 'marketing.reach.webhook';
export const HOUR = 3_600_000;

/** A parsed JSON answer, as loosely typed as `res.json()`. */
type Parsed = ReturnType<typeof JSON.parse>;

import { expectStatus } from '../support/test-app.js';

export { expectStatus };

/** Expects a 403 with `code`. */
export function expectDenied(res: LightMyRequestResponse, code: string): void {
  expect(res.statusCode, res.body).toBe(403);
  expect(res.json().error.code).toBe(code);
}

/** Creates a role through the API. */
export async function createRole(t: TestApp, name: string, permissions: string[] = [WEBHOOK_USE]): Promise<string> {
  return expectStatus(await t.request('POST', '/api/v1/roles', { name, permissions }), 201).id;
}

/** Creates a member through the API, with a token of their own; returns both. */
export async function createMember(t: TestApp, name: string, roleIds: string[] = [], admin = false): Promise<{ id: string; token: string }> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}.${Math.random().toString(36).slice(2, 8)}@example.com`;
  const member = expectStatus(await t.request('POST', '/api/v1/members', { name, email, admin, roleIds }), 201);
  const token = expectStatus(await t.request('POST', `/api/v1/members/${member.id}/tokens`, { name: 'tests' }), 201).token as string;
  return { id: member.id, token };
}

/** Creates a member group through the API. */
export async function createGroup(t: TestApp, name: string, memberIds: string[]): Promise<string> {
  return expectStatus(await t.request('POST', '/api/v1/member-groups', { name, memberIds }), 201).id;
}

/** A webhook pointing at a closed loopback port (nothing is ever delivered in these tests). */
export async function createWebhook(t: TestApp, name: string): Promise<string> {
  const res = await t.request('POST', '/api/v1/webhooks', {
    name, authMethod: 'none', url: 'http://127.0.0.1:9/hook', idTypes: ['OPEN_ID'], parameters: [], passEnvironment: false, receipt: { enabled: false },
  });
  return expectStatus(res, 201).id;
}

/** ISO time `offsetMs` from the app's clock. */
export function at(t: TestApp, offsetMs: number): string {
  return new Date(t.clock.now() + offsetMs).toISOString();
}

/** PUTs a webhook's grants as the admin. */
export function putGrants(t: TestApp, webhookId: string, method: 'member' | 'group', grants: Record<string, unknown>[]): Promise<LightMyRequestResponse> {
  return t.request('PUT', `/api/v1/webhooks/${webhookId}/grants`, { method, grants });
}

/** The audit entries of one resource, oldest first (read from the table: the audit API is its own feature). */
export async function auditOf(t: TestApp, resourceType: string, resourceId: string): Promise<{ action: string; actor_id: string; before: Parsed; after: Parsed }[]> {
  const rows = await t.ctx.store.db
    .selectFrom('audit_log')
    .selectAll()
    .where('resource_type', '=', resourceType)
    .where('resource_id', '=', resourceId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ action: r.action, actor_id: r.actor_id, before: r.before_value && JSON.parse(r.before_value), after: r.after_value && JSON.parse(r.after_value) }));
}
