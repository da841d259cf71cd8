import { formatDateParam } from '@hookreach/protocol';
import type { WebhookParameter } from './model.js';
import type { ManagedParameter } from './store.js';

/** China Standard Time, the product's home zone, for sample dates. */
const SAMPLE_UTC_OFFSET_MINUTES = 8 * 60;
/** What an interface parameter's value looks like before a task picks one of the interface's values. */
export const INTERFACE_PLACEHOLDER = '<value from interface>';

const SAMPLE_TARGET_IDS: Readonly<Record<string, string>> = {
  ONEID: 'sample_oneid_0001',
  EMAIL: 'user@example.com',
  MOBILE: '13800000000',
  TAOBAO_ID: '2200000000001',
  TAOBAO_NICK: 'sample_nick',
  IMEI: '860000000000001',
  IMSI: '460000000000001',
  IDFA: '6D92078A-8246-4BA4-AE5B-76104861E7DC',
  MAC_ORG: '00:1A:2B:3C:4D:5E',
  WEIBO_ID_ORG: '1000000001',
  ALIPAY_ID: '2088000000000001',
  UNION_ID: 'o6_bmasdasdsad6_2sgVt7hMZOPfL',
  OAID: '0f6e5d4c-3b2a-1f0e-9d8c-7b6a5f4e3d2c',
  OPEN_ID: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
};

/** A plausible ID of the given type for the sample user. */
export function sampleTargetId(idType: string): string {
  return SAMPLE_TARGET_IDS[idType] ?? 'sample_target_id';
}

function firstConstantValue(settings: unknown): string | undefined {
  const values = (settings as { values?: unknown } | undefined)?.values;
  const first: unknown = Array.isArray(values) ? values[0] : undefined;
  const name = (first as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** The sample value of a parameter by its type; `managed` holds the parameters it may reference. */
export function sampleParameterValue(parameter: WebhookParameter, managed: ReadonlyMap<string, ManagedParameter>, now: number): string {
  switch (parameter.type) {
    case 'string':
      return 'sample';
    case 'numeric':
      return '100';
    case 'text':
      return `Sample text for ${parameter.displayName}`;
    case 'date':
      return formatDateParam(now, SAMPLE_UTC_OFFSET_MINUTES);
    case 'parameter': {
      const target = parameter.parameterId === undefined ? undefined : managed.get(parameter.parameterId);
      if (target?.kind === 'interface') return INTERFACE_PLACEHOLDER;
      return firstConstantValue(target?.settings) ?? 'sample';
    }
  }
}
