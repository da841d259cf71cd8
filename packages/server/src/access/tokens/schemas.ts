import { Type, type Static } from 'typebox';
import { Nullable } from '../../http/schemas.js';
import { ACCESS_ID } from '../schemas.js';

export const TokenInput = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 64, pattern: '^\\P{Cc}*$', default: '', description: 'The owner\'s label, e.g. "CI"' })) },
  { $id: 'TokenInput', title: 'TokenInput', additionalProperties: false },
);
export type TokenInput = Static<typeof TokenInput>;

export const ApiToken = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters, to tell tokens apart; the token itself is never shown again' }),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Nullable(Type.String({ format: 'date-time', description: 'To the minute' })),
  },
  { $id: 'ApiToken', title: 'ApiToken' },
);
export type ApiToken = Static<typeof ApiToken>;

export const CreatedToken = Type.Object(
  {
    id: Type.String(),
    token: Type.String({ description: 'Shown once: store it now; only its SHA-256 is kept' }),
    name: Type.String(),
    prefix: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'CreatedToken', title: 'CreatedToken' },
);
export type CreatedToken = Static<typeof CreatedToken>;

export const TokenList = Type.Object({ items: Type.Array(Type.Ref('ApiToken')) }, { $id: 'TokenList', title: 'TokenList' });

export const TokenParams = Type.Object({ id: ACCESS_ID, tokenId: ACCESS_ID });

export const TOKEN_SCHEMAS = [TokenInput, ApiToken, CreatedToken, TokenList];
