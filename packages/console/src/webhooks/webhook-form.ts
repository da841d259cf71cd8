import type { Schemas } from '../shared/api';

export type Webhook = Schemas['Webhook'];
export type WebhookInput = Schemas['WebhookInput'];

/** The dialog's form values: the API's input shape (so field errors land on the right field), key optional. */
export interface WebhookFormValues {
  name: string;
  authMethod: 'none' | 'key';
  key?: string;
  url: string;
  idTypes: string[];
  parameters: { name: string; displayName: string; type: WebhookInput['parameters'][number]['type']; parameterId?: string; required?: boolean }[];
  passEnvironment: boolean;
  receipt: { enabled: boolean; retentionHours: number; statuses: { code: string; value: string }[] };
  delivery: { timeoutMs: number; maxConcurrency: number; maxPerSecond: number };
}

/** A new webhook's starting values (receipts off, the document's 10 s timeout). */
export const EMPTY_WEBHOOK: WebhookFormValues = {
  name: '',
  authMethod: 'none',
  url: '',
  idTypes: [],
  parameters: [],
  passEnvironment: false,
  receipt: { enabled: false, retentionHours: 72, statuses: [] },
  delivery: { timeoutMs: 10_000, maxConcurrency: 8, maxPerSecond: 0 },
};

/** The form's values for an existing webhook (the key is never shown: it stays unless a new one is typed). */
export function valuesOf(webhook: Webhook): WebhookFormValues {
  return {
    name: webhook.name,
    authMethod: webhook.authMethod,
    url: webhook.url,
    idTypes: [...webhook.idTypes],
    parameters: webhook.parameters.map((p) => ({ ...p })),
    passEnvironment: webhook.passEnvironment,
    receipt: { enabled: webhook.receipt.enabled, retentionHours: webhook.receipt.retentionHours, statuses: webhook.receipt.statuses.map((s) => ({ ...s })) },
    delivery: { ...webhook.delivery },
  };
}

/** The API body for the form's values: no key unless one was typed, parameterId only for parameter calls. */
export function inputOf(values: WebhookFormValues): WebhookInput {
  const key = values.authMethod === 'key' && values.key ? values.key : undefined;
  return {
    name: values.name ?? '',
    authMethod: values.authMethod,
    ...(key === undefined ? {} : { key }),
    url: values.url ?? '',
    idTypes: values.idTypes ?? [],
    parameters: (values.parameters ?? []).map((p) => ({
      name: p.name ?? '',
      displayName: p.displayName ?? '',
      type: p.type,
      ...(p.type === 'parameter' && p.parameterId ? { parameterId: p.parameterId } : {}),
      required: p.required === true,
    })),
    passEnvironment: values.passEnvironment === true,
    receipt: {
      enabled: values.receipt?.enabled === true,
      retentionHours: values.receipt?.retentionHours ?? 72,
      statuses: (values.receipt?.statuses ?? []).map((s) => ({ code: s.code ?? '', value: s.value ?? '' })),
    },
    delivery: { ...EMPTY_WEBHOOK.delivery, ...values.delivery },
  };
}
