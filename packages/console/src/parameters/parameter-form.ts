import type { Schemas } from '../shared/api';

export type Parameter = Schemas['Parameter'];
export type ParameterInput = Schemas['ConstantParameterInput'] | Schemas['InterfaceParameterInput'];

/** The dialog's values: both kinds' fields, the API's names (so field errors land on them), and the two "Associate" switches. */
export interface ParameterFormValues {
  kind: 'constant' | 'interface';
  name: string;
  description: string;
  associate: boolean;
  associatedParameterId?: string | null;
  values: { name: string; displayName: string; parentValue?: string }[];
  url: string;
  authMethod: 'none' | 'key';
  key?: string;
  associateSystem: boolean;
  systemParameters: Schemas['SystemParameter'][];
  associatedParameters: { source: 'parameter' | 'manual'; name: string; displayName: string; parameterId?: string; value?: string; separator?: string }[];
}

export const EMPTY_PARAMETER: ParameterFormValues = {
  kind: 'constant',
  name: '',
  description: '',
  associate: false,
  associatedParameterId: null,
  values: [{ name: '', displayName: '' }],
  url: '',
  authMethod: 'none',
  associateSystem: false,
  systemParameters: [],
  associatedParameters: [],
};

/** The form's values for an existing parameter (never its key). */
export function valuesOf(p: Parameter): ParameterFormValues {
  if (p.kind === 'constant') {
    return { ...EMPTY_PARAMETER, kind: 'constant', name: p.name, description: p.description, associate: p.associatedParameterId !== null, associatedParameterId: p.associatedParameterId, values: p.values.map((v) => ({ ...v })) };
  }
  return {
    ...EMPTY_PARAMETER,
    kind: 'interface',
    name: p.name,
    description: p.description,
    url: p.url,
    authMethod: p.authMethod,
    associateSystem: p.systemParameters.length > 0,
    systemParameters: p.systemParameters.map((s) => ({ ...s })),
    associate: p.associatedParameters.length > 0,
    associatedParameters: p.associatedParameters.map((a) => ({ ...a }) as ParameterFormValues['associatedParameters'][number]),
  };
}

/** The API body: only the chosen kind's fields; associations only when their switch is on. */
export function inputOf(v: ParameterFormValues): ParameterInput {
  if (v.kind === 'constant') {
    return {
      kind: 'constant',
      name: v.name ?? '',
      description: v.description ?? '',
      associatedParameterId: v.associate ? (v.associatedParameterId ?? null) : null,
      values: (v.values ?? []).map((x) => ({ name: x.name ?? '', displayName: x.displayName ?? '', ...(v.associate && x.parentValue ? { parentValue: x.parentValue } : {}) })),
    };
  }
  return {
    kind: 'interface',
    name: v.name ?? '',
    description: v.description ?? '',
    url: v.url ?? '',
    authMethod: v.authMethod,
    ...(v.authMethod === 'key' && v.key ? { key: v.key } : {}),
    systemParameters: v.associateSystem ? (v.systemParameters ?? []) : [],
    associatedParameters: v.associate
      ? (v.associatedParameters ?? []).map((a) => (a.source === 'manual'
        ? { source: 'manual' as const, name: a.name ?? '', displayName: a.displayName ?? '', value: a.value ?? '', ...(a.separator ? { separator: a.separator } : {}) }
        : { source: 'parameter' as const, name: a.name ?? '', displayName: a.displayName ?? '', parameterId: a.parameterId ?? '' }))
      : [],
  };
}
