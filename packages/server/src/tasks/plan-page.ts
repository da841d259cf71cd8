import type { UserMessageInput } from '@hookreach/protocol';
import type { AudienceUser } from '../audiences/store.js';
import type { PageProgress } from './run-store.js';
import { fillTemplate, isLiteral, parseTemplate, type MissingVariable, type Template } from './variables.js';

/** What every user of a task gets: the ID type, batch size, fixed values and per-user templates. */
export interface SendSpec {
  idType: string;
  batchSize: number;
  /** Values the same for every user. */
  fixed: Readonly<Record<string, string>>;
  /** Text parameters with variables, filled per user. */
  templates: ReadonlyMap<string, Template>;
  missingVariable: MissingVariable;
}

/** The spec of a task's stored values: text parameters (by name in `textParameters`) with variables become templates. */
export function sendSpecOf(
  task: { idType: string; batchSize: number; params: Readonly<Record<string, string>>; missingVariable: MissingVariable },
  textParameters: ReadonlySet<string>,
): SendSpec {
  const fixed: Record<string, string> = {};
  const templates = new Map<string, Template>();
  for (const [name, value] of Object.entries(task.params)) {
    const parsed = textParameters.has(name) ? parseTemplate(value) : undefined;
    if (parsed && 'template' in parsed && !isLiteral(parsed.template)) templates.set(name, parsed.template);
    // A literal template's `$${` escapes must still be resolved.
    else if (parsed && 'template' in parsed) fixed[name] = (parsed.template as string[]).join('');
    else fixed[name] = value;
  }
  return { idType: task.idType, batchSize: task.batchSize, fixed, templates, missingVariable: task.missingVariable };
}

/** One user's message, or why the user is skipped. */
export function messageFor(user: AudienceUser, spec: SendSpec): UserMessageInput | 'no-id' | 'missing-variable' {
  const targetId = Object.hasOwn(user.ids, spec.idType) ? user.ids[spec.idType] : undefined;
  // NUL cannot be stored in PostgreSQL text; such an id is as unusable as none.
  if (typeof targetId !== 'string' || targetId.trim() === '' || targetId.includes('\u0000') || user.customerId.includes('\u0000')) return 'no-id';
  let params: Record<string, string> = spec.fixed as Record<string, string>;
  if (spec.templates.size > 0) {
    params = { ...spec.fixed };
    for (const [name, template] of spec.templates) {
      const value = fillTemplate(template, user.attributes, spec.missingVariable);
      if (value === undefined) return 'missing-variable';
      params[name] = value;
    }
  }
  return { user_profile: { target_type: spec.idType, target_id: targetId, customer_id: user.customerId }, params };
}

/** The batches of one page and the progress to record with them. */
export interface PagePlan {
  batches: UserMessageInput[][];
  progress: PageProgress;
}

/**
 * Cuts one page of users (read after `cursor`, at most `pageLimit`) into batches of `spec.batchSize`.
 * A page that may not be the last keeps its trailing partial batch for the next page: the cursor then
 * stops at the last user of the last full batch, and the users after it are read again next time, so
 * batches stay full across pages. Only a page with no full batch at all (almost everyone skipped)
 * sends its partial batch, so every page moves the cursor on.
 */
export function planPage(users: readonly AudienceUser[], spec: SendSpec, pageLimit: number, cursor: string | null): PagePlan {
  const last = users.length < pageLimit;
  const batches: UserMessageInput[][] = [];
  let current: UserMessageInput[] = [];
  let noId = 0;
  let missing = 0;
  let enqueued = 0;
  let commit = { index: -1, batches: 0, noId: 0, missing: 0, enqueued: 0 };
  for (let i = 0; i < users.length; i++) {
    const message = messageFor(users[i]!, spec);
    if (message === 'no-id') noId++;
    else if (message === 'missing-variable') missing++;
    else {
      current.push(message);
      enqueued++;
      if (current.length === spec.batchSize) {
        batches.push(current);
        current = [];
        commit = { index: i, batches: batches.length, noId, missing, enqueued };
      }
    }
  }
  const all = { index: users.length - 1, batches: batches.length, noId, missing, enqueued };
  if (last || current.length === 0 || commit.index < 0) {
    if (current.length > 0) batches.push(current);
    commit = { ...all, batches: batches.length };
  }
  return {
    batches: batches.slice(0, commit.batches),
    progress: {
      cursor: commit.index >= 0 ? users[commit.index]!.customerId : cursor,
      read: commit.index + 1,
      enqueued: commit.enqueued,
      batches: commit.batches,
      skippedNoId: commit.noId,
      skippedMissingVariable: commit.missing,
      last,
    },
  };
}
