import { Type } from 'typebox';

/** Identifiers of members, groups, roles, tokens and grants: anything else is a 400, never a 500. */
export const ACCESS_ID = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/** `{id}` of member, group and role routes. */
export const AccessIdParams = Type.Object({ id: ACCESS_ID });

/** A display name: 1 to 64 characters, no control characters, no leading or trailing space. */
export const AccessName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\s\\p{Cc}](?:[^\\p{Cc}]*[^\\s\\p{Cc}])?$', description: 'No control characters, no leading or trailing space' });

/** `?search=` of the access lists. */
export const SearchQuery = Type.Optional(Type.String({ maxLength: 200, pattern: '^\\P{Cc}*$', description: 'Name contains (case-insensitive); no control characters' }));

/** A reference to a member, group or role in a read. */
export const NamedRef = Type.Object({ id: Type.String(), name: Type.String() });
