import { sql, type RawBuilder } from 'kysely';

/**
 * `lower(<column>) like lower('%<text>%')` (column `name` by default), with `%`, `_` and `\` in the text matched literally.
 * lower() on both sides folds the same way on each dialect (ASCII on SQLite, Unicode on PostgreSQL).
 */
export function nameContains(text: string, column = 'name'): RawBuilder<boolean> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like lower(${pattern}) escape ${sql.lit('\\')}`;
}

/** Whether a database error is a foreign-key violation (PostgreSQL 23503, SQLite's FOREIGNKEY constraint). */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Whether a database error is a unique-constraint violation (PostgreSQL 23505, SQLite's UNIQUE or PRIMARYKEY constraint). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
