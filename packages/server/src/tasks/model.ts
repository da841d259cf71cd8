import type { MissingVariable } from './variables.js';

/** A task's life: pending until due, sending while its audience is enqueued and delivered, then one of the three ends. */
export const TASK_STATUSES = ['pending', 'sending', 'finished', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The document's rule: a pending task may be edited (or deleted) only until 10 minutes before its send time. */
export const EDIT_CUTOFF_MS = 10 * 60_000;

/** When a task sends: at once, or at a time (ISO 8601 with an offset, as given). */
export type TaskSchedule = { type: 'now' } | { type: 'at'; at: string };

/** Why a failed task could not run. */
export interface TaskFailure {
  code: string;
  message: string;
}

/** A task as the API shows it. */
export interface Task {
  id: string;
  name: string;
  audienceId: string;
  webhookId: string;
  idType: string;
  batchSize: number;
  params: Record<string, string>;
  missingVariable: MissingVariable;
  schedule: TaskSchedule;
  sendAt: string;
  status: TaskStatus;
  failure: TaskFailure | null;
  /** Whether an edit is allowed now (pending, more than 10 minutes before sendAt). */
  editable: boolean;
  /** Whether a delete is allowed now. */
  deletable: boolean;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Validated values of a create or edit. */
export interface TaskDraft {
  name: string;
  audienceId: string;
  webhookId: string;
  idType: string;
  batchSize: number;
  /** Every parameter of the webhook, as its wire string (templates for text parameters). */
  params: Record<string, string>;
  missingVariable: MissingVariable;
  schedule: TaskSchedule;
  sendAt: number;
}

/** Whether a task in `status`, due at `sendAt`, may be edited at `now`. */
export function isEditable(status: TaskStatus, sendAt: number, now: number): boolean {
  return status === 'pending' && now < sendAt - EDIT_CUTOFF_MS;
}

/** Whether a task may be deleted at `now`: once it has ended, or while still editable. */
export function isDeletable(status: TaskStatus, sendAt: number, now: number): boolean {
  return status === 'finished' || status === 'failed' || status === 'cancelled' || isEditable(status, sendAt, now);
}

/** Whether a task may still be cancelled (it has not ended). */
export function isCancellable(status: TaskStatus): boolean {
  return status === 'pending' || status === 'sending';
}
