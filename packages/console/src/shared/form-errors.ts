import type { FormInstance } from 'antd';
import { ApiError, type FieldError } from './api';

/** `parameters[0].name` → ['parameters', 0, 'name'] (the API's paths name the form's fields). */
export function fieldPath(path: string): (string | number)[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '' && part !== 'body')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Shows a VALIDATION answer's field errors on the form's fields; returns the errors no field
 * shows (to display above the form): other errors, and field errors of fields not on screen.
 */
export function applyApiErrors(form: FormInstance, error: unknown): string[] {
  if (!(error instanceof ApiError)) return [error instanceof Error ? error.message : String(error)];
  if (error.details.length === 0) return [error.message];
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  const rest: string[] = [];
  for (const detail of error.details as FieldError[]) {
    const name = fieldPath(detail.path);
    if (name.length === 0) {
      rest.push(`${detail.path}: ${detail.message}`);
      continue;
    }
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(detail.message);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  // A field not on screen (e.g. a hidden section) cannot show its error: say it above the form.
  const shown = new Set(form.getFieldsError().filter((f) => f.errors.length > 0).map((f) => JSON.stringify(f.name)));
  for (const [key, entry] of byField) if (!shown.has(key)) rest.push(...entry.errors.map((m) => `${entry.name.join('.')}: ${m}`));
  return rest;
}

/** The leaf paths of an antd `changedValues` object (lists come as sparse arrays). */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    const paths: (string | number)[][] = [];
    value.forEach((item, i) => paths.push(...leafPaths(item, [...prefix, i])));
    return paths.length > 0 ? paths : [prefix];
  }
  if (value !== null && typeof value === 'object' && !('$d' in value)) {
    const paths = Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...prefix, key]));
    return paths.length > 0 ? paths : [prefix];
  }
  return [prefix];
}

/** `onValuesChange` for forms showing API errors: a field the user changes drops its (now stale) error. */
export function clearChangedErrors(form: FormInstance, changedValues: unknown): void {
  form.setFields(leafPaths(changedValues).filter((p) => p.length > 0).map((name) => ({ name, errors: [] })));
}
