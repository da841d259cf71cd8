import { Type, type Static } from 'typebox';
import { PageQuery } from '../../http/schemas.js';
import { ACCESS_ID, AccessName, NamedRef } from '../schemas.js';

/** Body of create and edit (edit is a full replacement: an omitted `admin` or `roleIds` means false or none). */
export const MemberInput = Type.Object(
  {
    name: AccessName,
    // Not ajv's `email` format: it refuses a host without a dot, such as the built-in admin's admin@localhost.
    email: Type.String({ maxLength: 254, pattern: '^[^\\s@\\p{Cc}]+@[^\\s@\\p{Cc}]+$', description: 'name@host; unique in the workspace, compared case-insensitively' }),
    admin: Type.Optional(Type.Boolean({ default: false, description: 'Administrators configure everything and use every webhook' })),
    roleIds: Type.Optional(Type.Array(ACCESS_ID, { maxItems: 50, uniqueItems: true, default: [] })),
  },
  { $id: 'MemberInput', title: 'MemberInput', additionalProperties: false },
);
export type MemberInput = Static<typeof MemberInput>;

export const Member = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    admin: Type.Boolean(),
    enabled: Type.Boolean({ description: 'A disabled member\'s tokens answer 403 MEMBER_DISABLED' }),
    builtIn: Type.Boolean({ description: 'The built-in administrator: always an administrator, never disabled or deleted' }),
    roles: Type.Array(NamedRef),
    groups: Type.Array(NamedRef),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Member', title: 'Member' },
);
export type Member = Static<typeof Member>;

export const MemberPage = Type.Object(
  { items: Type.Array(Type.Ref('Member')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'MemberPage', title: 'MemberPage' },
);

export const MemberListQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200, pattern: '^\\P{Cc}*$', description: 'Name or email contains (case-insensitive)' })),
  enabled: Type.Optional(Type.Boolean()),
  ...PageQuery,
});

/** The caller, as the console needs it to decide what to show. */
export const Me = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    admin: Type.Boolean(),
    roles: Type.Array(NamedRef),
    groups: Type.Array(NamedRef),
    permissions: Type.Array(Type.String(), { description: 'Held through roles; an administrator holds every permission' }),
  },
  { $id: 'Me', title: 'Me' },
);
export type Me = Static<typeof Me>;

export const MEMBER_SCHEMAS = [MemberInput, Member, MemberPage, Me];
