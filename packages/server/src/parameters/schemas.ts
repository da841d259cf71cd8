import { Type, type TSchema } from 'typebox';
import { PageQuery, StringEnum } from '../http/schemas.js';
import { AUTH_METHODS, PARAMETER_KINDS, SYSTEM_VALUES, type ParameterInput as ParameterInputModel, type ParameterView } from './model.js';

/** Value, system and associated parameter names: what the document allows (English letters, digits, underscore). */
const ENGLISH_NAME = '^[A-Za-z0-9_]{1,32}$';

const Name = Type.String({ minLength: 1, maxLength: 64, description: '1..64 characters, not blank; stored trimmed' });
const Description = Type.String({ maxLength: 500, description: 'Up to 500 characters; for an interface, what input it expects' });
const EnglishName = Type.String({ pattern: ENGLISH_NAME, description: '1..32 English letters, digits or underscores' });
const Time = Type.String({ format: 'date-time' });

const ConstantValue = Type.Object(
  {
    name: Type.String({ pattern: ENGLISH_NAME, description: 'The value sent to the webhook: 1..32 English letters, digits or underscores, unique in the parameter' }),
    displayName: Type.String({ minLength: 1, maxLength: 32 }),
    parentValue: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, description: 'Required when associated, forbidden otherwise: the value of the associated parameter this value belongs to' }),
    ),
  },
  { $id: 'ConstantValue', additionalProperties: false },
);

const SystemParameter = Type.Object(
  {
    name: EnglishName,
    displayName: Type.String({ maxLength: 32 }),
    value: StringEnum(SYSTEM_VALUES, { description: 'currentUser: the calling member; rowPermissions: their row-level permissions' }),
  },
  { $id: 'SystemParameter', additionalProperties: false },
);

const ParameterSource = Type.Object(
  {
    name: EnglishName,
    displayName: Type.String({ maxLength: 32 }),
    source: Type.Literal('parameter'),
    parameterId: Type.String({ minLength: 1, maxLength: 64, description: 'Another parameter of the workspace; its chosen value is passed (cascading)' }),
  },
  { $id: 'ParameterSourcedAssociation', additionalProperties: false },
);

const ManualSource = Type.Object(
  {
    name: EnglishName,
    displayName: Type.String({ maxLength: 32 }),
    source: Type.Literal('manual'),
    value: Type.String({ minLength: 1, maxLength: 1000, description: 'Sent as is; several values joined with `separator`' }),
    separator: Type.Optional(Type.String({ minLength: 1, maxLength: 8, description: 'The separator agreed with the interface; the interface splits' })),
  },
  { $id: 'ManualAssociation', additionalProperties: false },
);

/**
 * A discriminated union: ajv validates only the branch `tag` names, so errors come from it alone.
 * The tag is also declared beside `oneOf`, so a missing or unknown tag is reported on its own path.
 */
function discriminated<T>(tag: string, tags: readonly string[], branches: string[], options: object = {}) {
  return Type.Unsafe<T>({
    type: 'object',
    required: [tag],
    properties: { [tag]: StringEnum(tags) },
    oneOf: branches.map((id) => Type.Ref(id)),
    discriminator: { propertyName: tag },
    ...options,
  });
}

const AssociatedParameter = discriminated('source', ['parameter', 'manual'], ['ParameterSourcedAssociation', 'ManualAssociation'], {
  $id: 'AssociatedParameter',
});

const ConstantParameterInput = Type.Object(
  {
    kind: Type.Literal('constant'),
    name: Name,
    description: Type.Optional(Description),
    associatedParameterId: Type.Optional(
      Type.Unsafe<string | null>({ type: 'string', nullable: true, minLength: 1, maxLength: 64, description: '"Associate with other parameters": the parent parameter, or null' }),
    ),
    values: Type.Array(Type.Ref('ConstantValue'), { minItems: 1, maxItems: 20 }),
  },
  { $id: 'ConstantParameterInput', additionalProperties: false },
);

const InterfaceParameterInput = Type.Object(
  {
    kind: Type.Literal('interface'),
    name: Name,
    description: Type.Optional(Description),
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'http or https URL the options are fetched from' }),
    authMethod: StringEnum(AUTH_METHODS),
    key: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, writeOnly: true, description: 'Write-only. Required for authMethod "key" unless one is stored; omit on edit to keep it' }),
    ),
    systemParameters: Type.Optional(Type.Array(Type.Ref('SystemParameter'), { maxItems: 20 })),
    associatedParameters: Type.Optional(Type.Array(Type.Ref('AssociatedParameter'), { maxItems: 20 })),
  },
  { $id: 'InterfaceParameterInput', additionalProperties: false },
);

/** The body of create and edit: one branch per kind. */
export const ParameterInput = discriminated<ParameterInputModel>('kind', PARAMETER_KINDS, ['ConstantParameterInput', 'InterfaceParameterInput']);

const Usage = Type.Object(
  { kind: StringEnum(['webhook', 'parameter']), id: Type.String(), name: Type.String() },
  { $id: 'ParameterUser', description: 'A webhook or parameter that uses this parameter' },
);

const common = {
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  version: Type.Integer({ description: 'Also the ETag; send it as If-Match on PUT' }),
  createdAt: Time,
  updatedAt: Time,
  usedBy: Type.Optional(Type.Array(Type.Ref('ParameterUser'), { description: 'On the single read only' })),
};

const ConstantParameter = Type.Object(
  {
    ...common,
    kind: Type.Literal('constant'),
    associatedParameterId: Type.Unsafe<string | null>({ type: 'string', nullable: true }),
    values: Type.Array(Type.Ref('ConstantValue')),
  },
  { $id: 'ConstantParameter' },
);

const InterfaceParameter = Type.Object(
  {
    ...common,
    kind: Type.Literal('interface'),
    url: Type.String(),
    authMethod: StringEnum(AUTH_METHODS),
    keySet: Type.Boolean({ description: 'Whether a key is stored; the key itself is never returned' }),
    systemParameters: Type.Array(Type.Ref('SystemParameter')),
    associatedParameters: Type.Array(Type.Ref('AssociatedParameter')),
  },
  { $id: 'InterfaceParameter' },
);

/** A parameter as read back. */
const Parameter = Type.Unsafe<ParameterView>({
  $id: 'Parameter',
  oneOf: [Type.Ref('ConstantParameter'), Type.Ref('InterfaceParameter')],
  discriminator: { propertyName: 'kind' },
});

const ParameterOption = Type.Object(
  {
    name: Type.String({ description: 'The value sent to the webhook' }),
    displayName: Type.String(),
    parentValue: Type.Optional(Type.String()),
  },
  { $id: 'ParameterOption' },
);

export const ParameterPage = Type.Object(
  { items: Type.Array(Type.Ref('Parameter')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'ParameterPage' },
);

export const ParameterOptions = Type.Object({ items: Type.Array(Type.Ref('ParameterOption')) }, { $id: 'ParameterOptions' });

export const ListQuery = Type.Object(
  {
    search: Type.Optional(Type.String({ maxLength: 64, description: 'Name contains this text, ignoring case' })),
    kind: Type.Optional(StringEnum(PARAMETER_KINDS)),
    ...PageQuery,
  },
  { additionalProperties: false },
);

/** `?parent=` plus one query parameter per associated parameter sourced from another parameter. */
export const OptionsQuery = Type.Unsafe<{ parent?: string } & Record<string, string>>({
  type: 'object',
  properties: { parent: Type.String({ maxLength: 1000, description: 'Only values under this value of the parent parameter' }) },
  additionalProperties: Type.String({ maxLength: 1000 }),
});

/** `{id}` of a parameter: the characters ids are made of, so nothing else reaches the database. */
export const ParameterIdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});

/** Every named schema of the feature, to register before the routes (order matters for $ref). */
export const PARAMETER_SCHEMAS: TSchema[] = [
  ConstantValue,
  SystemParameter,
  ParameterSource,
  ManualSource,
  AssociatedParameter,
  ConstantParameterInput,
  InterfaceParameterInput,
  Usage,
  ConstantParameter,
  InterfaceParameter,
  Parameter,
  ParameterOption,
  ParameterPage,
  ParameterOptions,
];
