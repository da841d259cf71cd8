import type { AudienceUser } from '../audiences/store.js';
import { buildOutboxChunk } from '../delivery/build-batches.js';
import type { OutboxChunk, OutboxCommon } from '../delivery/outbox.js';
import { planPage, type SendSpec } from './plan-page.js';
import type { PageProgress } from './run-store.js';

/** What a task's page is built from: where its users are read and how each one's message is made. */
export interface PageRequest {
  audienceId: string;
  /** The last customer id of the pages before (null: from the start). */
  cursor: string | null;
  pageSize: number;
  spec: SendSpec;
  /** What the page's batches share; `common.now` is also their send_time. */
  common: OutboxCommon;
}

/** A page ready to insert: its batches' outbox rows (null when every user was skipped) and the task's progress. */
export interface BuiltPage {
  chunk: OutboxChunk | null;
  progress: PageProgress;
}

/** Plans the page read for `request` into batches and builds their outbox rows. */
export function buildPage(users: readonly AudienceUser[], request: PageRequest): BuiltPage {
  const plan = planPage(users, request.spec, request.pageSize, request.cursor);
  const chunk = plan.batches.length > 0 ? buildOutboxChunk(plan.batches, 0, plan.batches.length, request.common) : null;
  return { chunk, progress: plan.progress };
}
