import { expect, it } from 'vitest';
import { bootstrap } from '../../src/access/bootstrap.js';
import { findPrincipalByToken } from '../../src/access/authenticate.js';
import { hashToken } from '../../src/access/tokens.js';
import { manualClock } from '../../src/shared/clock.js';
import { describeEachDialect, useStore } from '../support/dialects.js';

describeEachDialect('bootstrap of the default workspace and admin', (dialect) => {
  const store = useStore(dialect);
  const clock = manualClock();

  it('generates an admin token once, stores only its hash, and is idempotent', async () => {
    const token = await bootstrap(store(), clock, undefined);
    expect(token).toMatch(/^hrk_[A-Za-z0-9_-]{43}$/);
    const again = await bootstrap(store(), clock, undefined);
    expect(again).toBeUndefined();
    const rows = await store().db.selectFrom('api_tokens').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(hashToken(token!));
    expect(JSON.stringify(rows)).not.toContain(token!);
    const principal = await findPrincipalByToken(store(), clock, token!);
    expect(principal).toMatchObject({ admin: true, workspaceId: 'ws_default' });
    const idTypes = await store().db.selectFrom('id_types').select('code').execute();
    expect(idTypes).toHaveLength(14);
    expect(await store().db.selectFrom('workspaces').selectAll().execute()).toHaveLength(1);
  });
});

describeEachDialect('bootstrap with HOOKREACH_ADMIN_TOKEN', (dialect) => {
  const store = useStore(dialect);
  const clock = manualClock();

  it('makes the given token the admin token and prints nothing', async () => {
    const printed = await bootstrap(store(), clock, 'my-admin-token-1234567890');
    expect(printed).toBeUndefined();
    expect(await findPrincipalByToken(store(), clock, 'my-admin-token-1234567890')).toMatchObject({ admin: true });
    expect(await findPrincipalByToken(store(), clock, 'another-token-1234567890')).toBeUndefined();
  });

  it('refreshes last use at most once a minute', async () => {
    await findPrincipalByToken(store(), clock, 'my-admin-token-1234567890');
    const first = (await store().db.selectFrom('api_tokens').select('last_used_at').executeTakeFirstOrThrow()).last_used_at;
    clock.advance(30_000);
    await findPrincipalByToken(store(), clock, 'my-admin-token-1234567890');
    expect((await store().db.selectFrom('api_tokens').select('last_used_at').executeTakeFirstOrThrow()).last_used_at).toBe(first);
    clock.advance(60_001);
    await findPrincipalByToken(store(), clock, 'my-admin-token-1234567890');
    expect((await store().db.selectFrom('api_tokens').select('last_used_at').executeTakeFirstOrThrow()).last_used_at).toBe(clock.now());
  });
});
