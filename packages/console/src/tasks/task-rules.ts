import type { TFunction } from 'i18next';
import type { Schemas } from '../shared/api';

export type Task = Schemas['Task'];
export type TaskStatus = Task['status'];

export const TASK_STATUSES: TaskStatus[] = ['pending', 'sending', 'finished', 'failed', 'cancelled'];

/** antd tag colour per task status. */
export const STATUS_COLOR: Record<TaskStatus, string> = { pending: 'default', sending: 'processing', finished: 'success', failed: 'error', cancelled: 'warning' };

/** Why Edit is unavailable (the API's rules, docs/tasks.md), or undefined when it is. */
export function editBlocked(task: Task, t: TFunction): string | undefined {
  if (task.editable) return undefined;
  if (task.status === 'pending') return t('tasks.why.tooLate');
  if (task.status === 'sending') return t('tasks.why.sending');
  return t('tasks.why.ended', { status: t(`tasks.status.${task.status}`) });
}

/** Why Delete is unavailable, or undefined when it is. */
export function deleteBlocked(task: Task, t: TFunction): string | undefined {
  if (task.deletable) return undefined;
  return task.status === 'sending' ? t('tasks.why.cancelFirst') : t('tasks.why.deleteTooLate');
}

/** Why Cancel is unavailable (the task already ended), or undefined when it is. */
export function cancelBlocked(task: Task, t: TFunction): string | undefined {
  return task.status === 'pending' || task.status === 'sending' ? undefined : t('tasks.why.ended', { status: t(`tasks.status.${task.status}`) });
}
