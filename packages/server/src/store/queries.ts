import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from './dialect.js';

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

/**
 * A statement written once with `?` placeholders, as each dialect spells it (`$1`, `$2`, ... on
 * PostgreSQL): for hot statements run as `CompiledQuery.raw`, where building and compiling a
 * Kysely query per call costs more than running it (about 10 µs against a 4 µs SQLite insert).
 */
export function dialectText(text: string): Record<Dialect, string> {
  let n = 0;
  return { sqlite: text, postgres: text.replace(/\?/g, () => `$${++n}`) };
}

/** `?, ?, ...`: `count` placeholders joined by commas. */
export function placeholders(count: number): string {
  return new Array<string>(count).fill('?').join(', ');
}

/** `(?, ?, ...)` tuples of `width` placeholders, `rows` of them, joined by commas. */
export function tuples(rows: number, width: number): string {
  return new Array<string>(rows).fill(`(${placeholders(width)})`).join(', ');
}

/** The texts of a statement whose shape depends on a count (rows, list length), each made once per count. */
export function textsByCount(build: (count: number) => string): (dialect: Dialect, count: number) => string {
  const made = new Map<number, Record<Dialect, string>>();
  return (dialect, count) => {
    let texts = made.get(count);
    if (!texts) made.set(count, (texts = dialectText(build(count))));
    return texts[dialect];
  };
}

/** Longest `in (...)` list of bound variables per query: far below SQLite's variable limit. */
export const IN_CHUNK = 500;

export { compare } from '../shared/compare.js';

/** `list` cut into consecutive pieces of at most `size`. */
export function chunk<T>(list: readonly T[], size: number): T[][] {
  const pieces: T[][] = [];
  for (let i = 0; i < list.length; i += size) pieces.push(list.slice(i, i + size));
  return pieces;
}
