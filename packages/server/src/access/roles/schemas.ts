import { Type, type Static } from 'typebox';
import { PageQuery, StringEnum } from '../../http/schemas.js';
import { PERMISSION_NAMES } from '../permissions.js';
import { AccessName, SearchQuery } from '../schemas.js';

/** Body of create and edit (edit is a full replacement). */
export const RoleInput = Type.Object(
  {
    name: AccessName,
    permissions: Type.Array(StringEnum(PERMISSION_NAMES), { maxItems: 50, uniqueItems: true, description: 'From GET /permissions' }),
  },
  { $id: 'RoleInput', title: 'RoleInput', additionalProperties: false },
);
export type RoleInput = Static<typeof RoleInput>;

export const Role = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    permissions: Type.Array(Type.String()),
    memberCount: Type.Integer({ description: 'Members holding the role' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Role', title: 'Role' },
);
export type Role = Static<typeof Role>;

export const RolePage = Type.Object(
  { items: Type.Array(Type.Ref('Role')), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() },
  { $id: 'RolePage', title: 'RolePage' },
);

export const RoleListQuery = Type.Object({ search: SearchQuery, ...PageQuery });

export const PermissionList = Type.Object(
  { items: Type.Array(Type.Object({ name: Type.String(), displayName: Type.String(), description: Type.String() })) },
  { $id: 'PermissionList', title: 'PermissionList' },
);

export const ROLE_SCHEMAS = [RoleInput, Role, RolePage, PermissionList];
