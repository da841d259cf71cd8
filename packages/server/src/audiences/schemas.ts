import { Type, type Static } from 'typebox';
import { PageQuery } from '../http/schemas.js';

/** Limits of audiences and of what an import accepts; validation, the import and docs/audiences.md use the same numbers. */
export const LIMITS = {
  name: 64,
  description: 256,
  /** Characters of one CSV record or NDJSON line. */
  lineLength: 65_536,
  customerId: 256,
  idValue: 256,
  attributes: 50,
  attributeName: 64,
  attributeValue: 1024,
  /** Rejected lines listed in an import's answer; `rejectedCount` counts them all. */
  rejectedListed: 1000,
} as const;

/** Attribute names are what `${name}` variables name: letters, digits, `_`, `-`, `.` (any script). */
export const ATTRIBUTE_NAME = /^[\p{L}\p{N}_.-]+$/u;

const ID_PATTERN = '^[A-Za-z0-9_-]+$';

/** `{id}` of every audience route. */
export const AudienceIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: ID_PATTERN }) });

/** No control characters (a NUL would be refused by PostgreSQL). */
const PRINTABLE = '^\\P{Cc}*$';

export const AudienceInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: LIMITS.name, pattern: PRINTABLE, description: 'Unique in the workspace' }),
    description: Type.Optional(Type.String({ maxLength: LIMITS.description, pattern: PRINTABLE, default: '' })),
  },
  { $id: 'AudienceInput', title: 'AudienceInput', additionalProperties: false },
);
export type AudienceInput = Static<typeof AudienceInput>;

/** An audience as every read answers it. */
export const Audience = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    userCount: Type.Integer({ description: 'Users in the audience (its size)' }),
    createdBy: Type.String({ description: 'The member who created it' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time', description: 'Last change, imports included' }),
  },
  { $id: 'Audience', title: 'Audience' },
);
export type Audience = Static<typeof Audience>;

export const AudiencePage = Type.Object(
  { items: Type.Array(Type.Ref('Audience')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'AudiencePage', title: 'AudiencePage' },
);

export const AudienceListQuery = Type.Object(
  {
    search: Type.Optional(Type.String({ maxLength: 200, pattern: PRINTABLE, description: 'Name contains (case-insensitive)' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AudienceListQuery = Static<typeof AudienceListQuery>;

/** The answer of an import. */
export const ImportResult = Type.Object(
  {
    audienceId: Type.String(),
    format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson')]),
    imported: Type.Integer({ description: 'Lines accepted and written (new users and updates)' }),
    created: Type.Integer({ description: 'Users the audience did not hold before' }),
    updated: Type.Integer({ description: 'Accepted lines that replaced a user already there (a customer_id seen before, in the audience or earlier in the file)' }),
    rejectedCount: Type.Integer({ description: 'Every rejected line' }),
    rejected: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() }), { description: `The first ${LIMITS.rejectedListed} rejected lines` }),
    userCount: Type.Integer({ description: 'The audience\'s size after the import' }),
  },
  { $id: 'AudienceImportResult', title: 'AudienceImportResult' },
);
export type ImportResult = Static<typeof ImportResult>;

/** Every named schema of this feature, to register once. */
export const AUDIENCE_SCHEMAS = [AudienceInput, Audience, AudiencePage, ImportResult];
