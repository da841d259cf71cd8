import dayjs, { type Dayjs } from 'dayjs';
import type { Schemas } from '../shared/api';

export type TaskInput = Schemas['TaskInput'];
type WebhookParameter = Schemas['Webhook']['parameters'][number];

/** The form's values; names follow the API's field paths so its field errors land on the right field. */
export interface TaskFormValues {
  name?: string;
  audienceId?: string;
  webhookId?: string;
  idType?: string;
  batchSize?: number;
  params?: Record<string, unknown>;
  policy: 'skip' | 'replace';
  missingVariable?: { replace?: string };
  schedule: { type: 'now' | 'at'; at?: Dayjs | null };
}

export const EMPTY_TASK: TaskFormValues = { batchSize: 100, params: {}, policy: 'skip', missingVariable: { replace: '' }, schedule: { type: 'now', at: null } };

/** Dates go out as yyyy-MM-ddTHH:mm:ss±hh:mm in the user's own offset, as the test send sends them. */
const WIRE_DATE = 'YYYY-MM-DDTHH:mm:ssZ';

/** The parameter values as the API takes them: blanks left out, dates formatted. */
export function paramsToWire(parameters: WebhookParameter[], values: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of parameters) {
    const value = values?.[p.name];
    if (value === undefined || value === null || value === '') continue;
    out[p.name] = p.type === 'date' && dayjs.isDayjs(value) ? value.format(WIRE_DATE) : value;
  }
  return out;
}

/** The missing-variable policy as the API takes it. */
export function policyToWire(values: TaskFormValues): TaskInput['missingVariable'] {
  return values.policy === 'replace' ? { replace: values.missingVariable?.replace ?? '' } : 'skip';
}

/** Form values → the create / edit body. */
export function toTaskInput(values: TaskFormValues, parameters: WebhookParameter[]): TaskInput {
  return {
    name: values.name ?? '',
    audienceId: values.audienceId ?? '',
    webhookId: values.webhookId ?? '',
    idType: values.idType ?? '',
    batchSize: values.batchSize ?? 100,
    params: paramsToWire(parameters, values.params),
    missingVariable: policyToWire(values),
    schedule: values.schedule.type === 'at' ? { type: 'at', at: values.schedule.at ? values.schedule.at.format(WIRE_DATE) : '' } : { type: 'now' },
  };
}

/** A stored task → form values (wire strings back to numbers and dates). */
export function fromTask(task: Schemas['Task'], parameters: WebhookParameter[]): TaskFormValues {
  const params: Record<string, unknown> = {};
  for (const p of parameters) {
    const value = task.params[p.name];
    if (value === undefined) continue;
    params[p.name] = p.type === 'numeric' ? Number(value) : p.type === 'date' ? dayjs(value) : value;
  }
  return {
    name: task.name,
    audienceId: task.audienceId,
    webhookId: task.webhookId,
    idType: task.idType,
    batchSize: task.batchSize,
    params,
    policy: task.missingVariable === 'skip' ? 'skip' : 'replace',
    missingVariable: { replace: task.missingVariable === 'skip' ? '' : task.missingVariable.replace },
    schedule: task.schedule.type === 'at' ? { type: 'at', at: dayjs(task.schedule.at) } : { type: 'now', at: null },
  };
}
