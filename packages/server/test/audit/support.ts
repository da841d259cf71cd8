import { expect } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { hashToken, tokenPrefix } from '../../src/access/tokens.js';
import type { AuditEntry } from '../../src/audit/schemas.js';
import type { TestApp } from '../support/test-app.js';

export const AUDIT_LOG = '/api/v1/audit-log';

/** A page of the audit log as the admin sees it (fails the test unless 200). */
export async function auditLog(t: TestApp, query = ''): Promise<{ items: AuditEntry[]; total: number; page: number; pageSize: number; raw: string }> {
  const res = await t.request('GET', `${AUDIT_LOG}${query ? `?${query}` : ''}`);
  expect(res.statusCode, res.body).toBe(200);
  return { ...res.json(), raw: res.body };
}

/** The entries of one resource, newest first. */
export async function entriesOf(t: TestApp, resourceType: string, resourceId: string): Promise<AuditEntry[]> {
  return (await auditLog(t, `resourceType=${resourceType}&resourceId=${encodeURIComponent(resourceId)}&pageSize=200`)).items;
}

/** Every stored audit row as text, to search for secrets in what is actually kept. */
export async function rawAuditText(t: TestApp): Promise<string> {
  const rows = await t.ctx.store.db.selectFrom('audit_log').selectAll().execute();
  return JSON.stringify(rows);
}

/** How many audit rows are stored. */
export async function auditCount(t: TestApp): Promise<number> {
  const row = await t.ctx.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

let members = 0;

/**
 * A member added straight into the store (the members API is built separately) with its token.
 * Returns the member id and token.
 */
export async function addMember(t: TestApp, name: string, admin: boolean): Promise<{ id: string; token: string }> {
  const db = t.ctx.store.db;
  const now = t.clock.now();
  members += 1;
  const id = `mem_audit_${members}_${Math.random().toString(36).slice(2, 8)}`;
  await db.insertInto('members').values({ id, workspace_id: DEFAULT_WORKSPACE_ID, name, email: `${id}@example.com`, admin: admin ? 1 : 0, created_at: now, updated_at: now }).execute();
  const token = `hrk_test_${id}_token_padding`;
  await db.insertInto('api_tokens').values({ id: `tok_${id}`, member_id: id, token_hash: hashToken(token), prefix: tokenPrefix(token), created_at: now, last_used_at: null, revoked_at: null }).execute();
  return { id, token };
}
