import { expect, it } from 'vitest';
import { ADMIN_MEMBER_ID, DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { recordAudit } from '../../src/audit/record-audit.js';
import { isSecretName, maskSecrets } from '../../src/audit/mask-secrets.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { entriesOf, rawAuditText } from './support.js';

it('tells secret names from others whatever their case or separators', () => {
  for (const name of ['key', 'secret', 'token', 'password', 'keySealed', 'key_sealed', 'tokenHash', 'token_hash', 'KEY', 'apiKey', 'clientSecret', 'accessToken', 'passwordHash']) {
    expect(isSecretName(name), name).toBe(true);
  }
  for (const name of ['keySet', 'tokenPrefix', 'name', 'prefix', 'authMethod', 'tokens', 'keys', 'idTypes', 'monkeys']) {
    expect(isSecretName(name), name).toBe(false);
  }
});

it('masks secrets at any depth, in arrays too, and leaves the rest and the input alone', () => {
  const input = {
    name: 'Li Lei',
    key: 'plain-key',
    keySet: true,
    tokens: [{ id: 'tok_1', prefix: 'hrk_abc', tokenHash: 'deadbeef', token: 'hrk_full' }],
    settings: { nested: { password: 'p4ss', key_sealed: 'sealed', secret: 42, keySealed: null } },
  };
  expect(maskSecrets(input)).toEqual({
    name: 'Li Lei',
    key: '***',
    keySet: true,
    tokens: [{ id: 'tok_1', prefix: 'hrk_abc', tokenHash: '***', token: '***' }],
    settings: { nested: { password: '***', key_sealed: '***', secret: '***', keySealed: null } },
  });
  expect(input.key).toBe('plain-key');
  expect(maskSecrets(['a', 1, null])).toEqual(['a', 1, null]);
});

describeEachDialect('Audit log: masking in recordAudit', (dialect) => {
  const t = useTestApp(dialect);

  it('masks whatever a caller forgets to leave out before anything is stored', async () => {
    const before = { id: 'mem_x', name: 'Li Lei', apiTokens: [{ id: 'tok_1', token: 'hrk_plain_token_value', tokenHash: 'hash-of-the-token' }] };
    const after = { id: 'mem_x', name: 'Li Lei', password: 'hunter2-password', webhook: { key: 'webhook-plain-key', keySealed: 'v1.sealed-blob', keySet: true } };
    await t().ctx.store.db.transaction().execute((trx) =>
      recordAudit(trx, { workspaceId: DEFAULT_WORKSPACE_ID, actorId: ADMIN_MEMBER_ID, action: 'update', resourceType: 'member', resourceId: 'mem_x', before, after, at: t().clock.now() }),
    );
    const stored = await rawAuditText(t());
    for (const secret of ['hrk_plain_token_value', 'hash-of-the-token', 'hunter2-password', 'webhook-plain-key', 'v1.sealed-blob']) expect(stored).not.toContain(secret);
    const [entry] = await entriesOf(t(), 'member', 'mem_x');
    expect(entry!.before).toEqual({ id: 'mem_x', name: 'Li Lei', apiTokens: [{ id: 'tok_1', token: '***', tokenHash: '***' }] });
    expect(entry!.after).toEqual({ id: 'mem_x', name: 'Li Lei', password: '***', webhook: { key: '***', keySealed: '***', keySet: true } });
  });
});
