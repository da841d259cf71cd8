import { Type, type Static } from 'typebox';
import { Nullable, StringEnum } from '../../http/schemas.js';
import { ACCESS_ID } from '../schemas.js';

export const GRANT_METHODS = ['member', 'group'] as const;
export type GrantMethod = (typeof GRANT_METHODS)[number];

const GrantInput = Type.Object(
  {
    memberId: Type.Optional(ACCESS_ID),
    groupId: Type.Optional(ACCESS_ID),
    validFrom: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now' })),
    validUntil: Type.String({ format: 'date-time', description: 'Exclusive: the grant stops working at this instant' }),
  },
  { additionalProperties: false },
);

/** Body of PUT grants: the webhook's complete list of grants, all of one method. */
export const GrantsInput = Type.Object(
  {
    method: StringEnum(GRANT_METHODS, { description: 'By member (each grant names memberId) or by member group (groupId); switching revokes every grant of the other method' }),
    grants: Type.Array(GrantInput, { maxItems: 500 }),
  },
  { $id: 'GrantsInput', title: 'GrantsInput', additionalProperties: false },
);
export type GrantsInput = Static<typeof GrantsInput>;

export const Grant = Type.Object(
  {
    id: Type.String(),
    memberId: Type.Optional(Type.String()),
    groupId: Type.Optional(Type.String()),
    name: Type.String({ description: 'The member\'s or group\'s name' }),
    validFrom: Type.String({ format: 'date-time' }),
    validUntil: Type.String({ format: 'date-time' }),
    status: StringEnum(['pending', 'active', 'expired'] as const, { description: 'At the time of the request' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Grant', title: 'Grant' },
);
export type Grant = Static<typeof Grant>;

export const WebhookGrants = Type.Object(
  {
    webhookId: Type.String(),
    method: Nullable(StringEnum(GRANT_METHODS, { description: 'The method of the webhook\'s grants; null when it has none' })),
    items: Type.Array(Type.Ref('Grant')),
  },
  { $id: 'WebhookGrants', title: 'WebhookGrants' },
);
export type WebhookGrants = Static<typeof WebhookGrants>;

export const GrantsChange = Type.Object(
  {
    webhookId: Type.String(),
    method: Nullable(StringEnum(GRANT_METHODS)),
    items: Type.Array(Type.Ref('Grant')),
    previousMethod: Nullable(StringEnum(GRANT_METHODS, { description: 'The method before this call' })),
    methodChanged: Type.Boolean({ description: 'True when the other method\'s grants were all revoked' }),
    revoked: Type.Integer({ description: 'Grants removed by this call (all of the previous method\'s when it changed)' }),
  },
  { $id: 'GrantsChange', title: 'GrantsChange' },
);
export type GrantsChange = Static<typeof GrantsChange>;

export const GrantParams = Type.Object({ id: ACCESS_ID, grantId: ACCESS_ID });

export const GRANT_SCHEMAS = [GrantsInput, Grant, WebhookGrants, GrantsChange];
