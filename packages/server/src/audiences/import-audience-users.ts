import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { isForeignKeyViolation } from '../store/queries.js';
import { toAudienceView } from './audience-view.js';
import { auditAudience } from './audit-audience.js';
import { readUploadedUsers, type ImportFormat } from './import/read-upload.js';
import { LIMITS, type ImportResult } from './schemas.js';
import { countAudienceUsers, findAudience, setUserCount, type AudienceUser } from './store.js';
import { upsertAudienceUsers } from './users-store.js';

/**
 * Users written per transaction. Large enough that commits are a small share of the time, small
 * enough that other requests wait only milliseconds for SQLite's single writer between them.
 */
const ROWS_PER_TRANSACTION = 5_000;

/** Audiences with an import running in this process: a second one would interleave and blur the counts. */
const running = new Set<string>();

/** Whether an import into `audienceId` is running in this process. */
export function isImportRunning(audienceId: string): boolean {
  return running.has(audienceId);
}

/**
 * Streams users from an upload into an audience: each accepted line is upserted by customer_id
 * (a re-import replaces that user's IDs and attributes), each bad line is rejected with its line
 * number and reason without stopping the rest, and the audience's size is recounted at the end.
 * Not atomic: chunks committed before a failure (client gone, size limit) stay, and re-importing
 * the same file is harmless because it upserts.
 */
export async function importAudienceUsers(
  ctx: AppContext,
  principal: Principal,
  audienceId: string,
  format: ImportFormat,
  body: AsyncIterable<Buffer | string>,
): Promise<ImportResult> {
  const { db } = ctx.store;
  const before = await findAudience(db, principal.workspaceId, audienceId);
  if (!before) throw errors.notFound('Audience', audienceId);
  if (running.has(audienceId)) throw errors.importInProgress(audienceId);
  running.add(audienceId);
  const countBefore = before.userCount;
  const rejected: { line: number; reason: string }[] = [];
  let rejectedCount = 0;
  let imported = 0;
  let written = false;
  // Keyed by customer_id: a user repeated within one chunk is written once, as its last line says.
  const pending = new Map<string, AudienceUser>();
  const flush = async () => {
    if (pending.size === 0) return;
    const users = [...pending.values()];
    pending.clear();
    const now = ctx.clock.now();
    written = true;
    try {
      await db.transaction().execute((trx) => upsertAudienceUsers(trx, ctx.store.dialect, audienceId, users, now));
    } catch (error) {
      if (isForeignKeyViolation(error)) throw errors.notFound('Audience', audienceId);
      throw error;
    }
  };
  const finish = async (failure?: string): Promise<ImportResult | undefined> => {
    const now = ctx.clock.now();
    return db.transaction().execute(async (trx) => {
      const userCount = await countAudienceUsers(trx, audienceId);
      const after = await setUserCount(trx, audienceId, userCount, now);
      if (!after) return undefined;
      const created = Math.max(0, userCount - countBefore);
      const result: ImportResult = { audienceId, format, imported, created, updated: Math.max(0, imported - created), rejectedCount, rejected, userCount };
      const summary = { format, imported, created, updated: result.updated, rejectedCount, ...(failure ? { failedWith: failure } : {}) };
      await auditAudience(trx, principal, { action: 'import', id: audienceId, before: toAudienceView(before), after: { ...toAudienceView(after), import: summary }, at: now });
      return result;
    });
  };
  try {
    for await (const items of readUploadedUsers(body, format, ctx.config.audiences.importLimit)) {
      for (const item of items) {
        if ('reason' in item) {
          rejectedCount++;
          if (rejected.length < LIMITS.rejectedListed) rejected.push(item);
          continue;
        }
        pending.set(item.user.customerId, item.user);
        imported++;
      }
      if (pending.size >= ROWS_PER_TRANSACTION) await flush();
    }
    await flush();
    const result = await finish();
    if (!result) throw errors.notFound('Audience', audienceId);
    return result;
  } catch (error) {
    // Committed chunks stay: keep the size true and the change on record even when the upload failed.
    if (written) await finish((error as { code?: string }).code ?? 'ERROR').catch(() => undefined);
    throw error;
  } finally {
    running.delete(audienceId);
  }
}
