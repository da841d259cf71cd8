import type { Clock } from '../shared/clock.js';
import type { Store } from '../store/database.js';
import { ID_TYPES } from '../id-types/catalogue.js';
import { generateToken, hashToken, tokenPrefix } from './tokens.js';

export const DEFAULT_WORKSPACE_ID = 'ws_default';
export const ADMIN_MEMBER_ID = 'mem_admin';
const BOOTSTRAP_TOKEN_ID = 'tok_bootstrap';

/**
 * Creates the default workspace, its ID types and the built-in admin with a first API token,
 * once. Returns the token when it was generated here (to be printed once), else undefined.
 * Idempotent and safe when several processes start together.
 */
export async function bootstrap(store: Store, clock: Clock, adminToken: string | undefined): Promise<string | undefined> {
  const now = clock.now();
  return store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('workspaces')
      .values({ id: DEFAULT_WORKSPACE_ID, name: 'Default workspace', created_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx
      .insertInto('id_types')
      .values(ID_TYPES.map((t, i) => ({ workspace_id: DEFAULT_WORKSPACE_ID, code: t.code, display_name: t.displayName, enabled: 1, priority: i + 1 })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx
      .insertInto('members')
      .values({ id: ADMIN_MEMBER_ID, workspace_id: DEFAULT_WORKSPACE_ID, name: 'Administrator', email: 'admin@localhost', admin: 1, created_at: now, updated_at: now })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const token = adminToken ?? generateToken();
    const inserted = await trx
      .insertInto('api_tokens')
      .values({ id: BOOTSTRAP_TOKEN_ID, member_id: ADMIN_MEMBER_ID, token_hash: hashToken(token), prefix: tokenPrefix(token), created_at: now, last_used_at: null, revoked_at: null })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    const created = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    return created && adminToken === undefined ? token : undefined;
  });
}
