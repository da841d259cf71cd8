import type { FieldError } from '../../errors.js';
import { ID_TYPES } from '../../id-types/catalogue.js';
import { ATTRIBUTE_NAME, LIMITS } from '../schemas.js';
import type { AudienceUser } from '../store.js';

/** Upper-cased code -> code, for matching columns and keys case-insensitively. */
const ID_CODES = new Map(ID_TYPES.map((t) => [t.code.toUpperCase(), t.code]));

/** What a CSV column holds, by position. */
export type Column = { kind: 'customer_id' } | { kind: 'id'; code: string } | { kind: 'attribute'; name: string };

/**
 * The columns a CSV header row names: `customer_id` first, then any of the 14 ID type codes
 * (case-insensitive, enabled or not: enabling is a send-time choice), then attributes. Every
 * problem is listed, as the whole file depends on the header.
 */
export function readCsvHeader(fields: string[]): { columns: Column[] } | { problems: FieldError[] } {
  const problems: FieldError[] = [];
  const columns: Column[] = [];
  const seen = new Set<string>();
  let attributes = 0;
  fields.forEach((raw, index) => {
    const name = raw.trim();
    const path = `header[${index + 1}]`;
    const upper = name.toUpperCase();
    if (index === 0) {
      if (upper !== 'CUSTOMER_ID') problems.push({ path, message: `the first column must be customer_id, found "${name.slice(0, 64)}"` });
      columns.push({ kind: 'customer_id' });
      seen.add('CUSTOMER_ID');
      return;
    }
    const code = ID_CODES.get(upper);
    const key = code ?? (upper === 'CUSTOMER_ID' ? upper : `attribute:${name}`);
    if (seen.has(key)) problems.push({ path, message: `column "${name}" appears more than once` });
    seen.add(key);
    if (code) {
      columns.push({ kind: 'id', code });
      return;
    }
    if (!ATTRIBUTE_NAME.test(name) || name.length > LIMITS.attributeName) {
      problems.push({ path, message: `"${name.slice(0, 64)}" is neither an ID type code nor an attribute name (1-${LIMITS.attributeName} letters, digits, _ - .)` });
    }
    columns.push({ kind: 'attribute', name });
    attributes++;
  });
  if (attributes > LIMITS.attributes) problems.push({ path: 'header', message: `at most ${LIMITS.attributes} attribute columns, found ${attributes}` });
  return problems.length > 0 ? { problems } : { columns };
}

/** A user from a CSV record under `columns`, or why the line is rejected. Empty cells mean "none". */
export function userFromCsv(columns: Column[], fields: string[]): AudienceUser | string {
  if (fields.length !== columns.length) return `expected ${columns.length} columns, found ${fields.length}`;
  const ids: Record<string, string> = Object.create(null) as Record<string, string>;
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 1; i < columns.length; i++) {
    const value = fields[i]!;
    if (value === '') continue;
    const column = columns[i]!;
    if (column.kind === 'id') ids[column.code] = value;
    else if (column.kind === 'attribute') attributes[column.name] = value;
  }
  return checkUser(fields[0]!, ids, attributes);
}

/** A user from one NDJSON line (`{"customer_id", "ids"?, "attributes"?}`), or why the line is rejected. */
export function userFromJson(text: string): AudienceUser | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `invalid JSON: ${(error as Error).message.slice(0, 200)}`;
  }
  if (!isObject(value)) return 'the line must be a JSON object';
  for (const key of Object.keys(value)) {
    if (key !== 'customer_id' && key !== 'ids' && key !== 'attributes') return `unknown field "${key.slice(0, 64)}" (allowed: customer_id, ids, attributes)`;
  }
  const customerId = value.customer_id;
  if (typeof customerId !== 'string') return customerId === undefined ? 'customer_id is missing' : 'customer_id must be a string';
  const ids: Record<string, string> = Object.create(null) as Record<string, string>;
  const rawIds = value.ids === undefined ? {} : value.ids;
  if (!isObject(rawIds)) return 'ids must be an object of ID type code to string';
  for (const [key, id] of Object.entries(rawIds)) {
    const code = ID_CODES.get(key.toUpperCase());
    if (!code) return `ids: "${key.slice(0, 64)}" is not an ID type code`;
    if (code in ids) return `ids: "${code}" appears more than once`;
    if (typeof id !== 'string') return `ids.${code} must be a string`;
    if (id !== '') ids[code] = id;
  }
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  const rawAttributes = value.attributes === undefined ? {} : value.attributes;
  if (!isObject(rawAttributes)) return 'attributes must be an object of strings';
  for (const [name, attribute] of Object.entries(rawAttributes)) {
    if (!ATTRIBUTE_NAME.test(name) || name.length > LIMITS.attributeName) return `attributes: "${name.slice(0, 64)}" is not an attribute name (1-${LIMITS.attributeName} letters, digits, _ - .)`;
    if (typeof attribute !== 'string') return `attributes.${name} must be a string`;
    if (attribute !== '') attributes[name] = attribute;
  }
  return checkUser(customerId, ids, attributes);
}

/** The limits every user meets, whatever the format. */
function checkUser(customerId: string, ids: Record<string, string>, attributes: Record<string, string>): AudienceUser | string {
  if (customerId.trim() === '') return 'customer_id is empty';
  if (customerId.length > LIMITS.customerId) return `customer_id is longer than ${LIMITS.customerId} characters`;
  if (customerId.includes('\u0000')) return 'customer_id contains a NUL character';
  if (customerId.includes('\uFFFD')) return 'the line is not valid UTF-8';
  for (const [code, id] of Object.entries(ids)) {
    if (id.length > LIMITS.idValue) return `${code} is longer than ${LIMITS.idValue} characters`;
    if (id.includes('\u0000')) return `${code} contains a NUL character`;
    if (id.includes('\uFFFD')) return 'the line is not valid UTF-8';
  }
  const names = Object.keys(attributes);
  if (names.length > LIMITS.attributes) return `at most ${LIMITS.attributes} attributes, found ${names.length}`;
  for (const name of names) {
    const value = attributes[name]!;
    if (value.length > LIMITS.attributeValue) return `attribute "${name}" is longer than ${LIMITS.attributeValue} characters`;
    if (value.includes('\u0000')) return `attribute "${name}" contains a NUL character`;
    if (value.includes('\uFFFD')) return 'the line is not valid UTF-8';
  }
  return { customerId, ids, attributes };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
