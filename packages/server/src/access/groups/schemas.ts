import { Type, type Static } from 'typebox';
import { PageQuery } from '../../http/schemas.js';
import { ACCESS_ID, AccessName, NamedRef, SearchQuery } from '../schemas.js';

/** Body of create and edit (edit is a full replacement of the name and the members). */
export const GroupInput = Type.Object(
  {
    name: AccessName,
    memberIds: Type.Array(ACCESS_ID, { maxItems: 1000, uniqueItems: true }),
  },
  { $id: 'GroupInput', title: 'GroupInput', additionalProperties: false },
);
export type GroupInput = Static<typeof GroupInput>;

export const MemberGroup = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    members: Type.Array(NamedRef),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'MemberGroup', title: 'MemberGroup' },
);
export type MemberGroup = Static<typeof MemberGroup>;

export const MemberGroupPage = Type.Object(
  { items: Type.Array(Type.Ref('MemberGroup')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'MemberGroupPage', title: 'MemberGroupPage' },
);

export const GroupListQuery = Type.Object({ search: SearchQuery, ...PageQuery });

export const GROUP_SCHEMAS = [GroupInput, MemberGroup, MemberGroupPage];
