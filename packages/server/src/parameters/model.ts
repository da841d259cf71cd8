/** Constant-based (a fixed list of values) or interface-based (values fetched from an HTTP interface). */
export type ParameterKind = 'constant' | 'interface';
export const PARAMETER_KINDS = ['constant', 'interface'] as const;

/** Where a system parameter's value comes from: the calling member, or their row-level permissions. */
export type SystemValue = 'currentUser' | 'rowPermissions';
export const SYSTEM_VALUES = ['currentUser', 'rowPermissions'] as const;

export type AuthMethod = 'none' | 'key';
export const AUTH_METHODS = ['none', 'key'] as const;

/** One value of a constant-based parameter; `parentValue` ties it to a value of the associated parameter. */
export interface ConstantValue {
  name: string;
  displayName: string;
  parentValue?: string;
}

/** A value the interface receives from the calling context. */
export interface SystemParameter {
  name: string;
  displayName: string;
  value: SystemValue;
}

/** A value the interface receives from another parameter (cascading) or as configured text. */
export type AssociatedParameter =
  | { name: string; displayName: string; source: 'parameter'; parameterId: string }
  | { name: string; displayName: string; source: 'manual'; value: string; separator?: string };

export interface ConstantSettings {
  associatedParameterId: string | null;
  values: ConstantValue[];
}

export interface InterfaceSettings {
  url: string;
  authMethod: AuthMethod;
  systemParameters: SystemParameter[];
  associatedParameters: AssociatedParameter[];
}

interface Common {
  name: string;
  description?: string;
}

/** The body of POST and PUT, after schema validation. */
export type ParameterInput =
  | (Common & { kind: 'constant'; associatedParameterId?: string | null; values: ConstantValue[] })
  | (Common & {
      kind: 'interface';
      url: string;
      authMethod: AuthMethod;
      key?: string;
      systemParameters?: SystemParameter[];
      associatedParameters?: AssociatedParameter[];
    });

interface StoredCommon {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  keySealed: string | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** A parameter as stored, with its kind-specific settings. */
export type StoredParameter =
  | (StoredCommon & { kind: 'constant'; settings: ConstantSettings })
  | (StoredCommon & { kind: 'interface'; settings: InterfaceSettings });

export type StoredInterfaceParameter = Extract<StoredParameter, { kind: 'interface' }>;

/** Something that uses a parameter, which therefore cannot be deleted. */
export interface ParameterUser {
  kind: 'webhook' | 'parameter';
  id: string;
  name: string;
}

/** One selectable value, as `GET /parameters/{id}/options` lists it. */
export interface ParameterOption {
  name: string;
  displayName: string;
  parentValue?: string;
}

interface ViewCommon {
  id: string;
  name: string;
  description: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  usedBy?: ParameterUser[];
}

/** A parameter as the API shows it: never the key, only whether one is set. */
export type ParameterView =
  | (ViewCommon & { kind: 'constant' } & ConstantSettings)
  | (ViewCommon & { kind: 'interface'; keySet: boolean } & InterfaceSettings);

/** The AES-GCM context a parameter's key is sealed under, so it cannot be moved to another record. */
export function keyContext(parameterId: string): string {
  return `parameter:${parameterId}`;
}
