import { isDateParam, wireString } from '@hookreach/protocol';
import type { FieldError } from '../errors.js';
import type { WebhookParameter } from './model.js';

/** Longest value of a `string` (and `numeric`) parameter, in characters. */
export const MAX_STRING_VALUE = 1000;
/** Longest value of a `text` parameter, in characters (placeholders included). */
export const MAX_TEXT_VALUE = 4000;

/** A plain decimal number: optional minus, digits, optional fraction; no exponent, sign `+`, spaces or bare point. */
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Where a `parameter`-type value's allowed names come from (a constant's values, or an interface's answer now). */
export interface ParamOptionSource {
  /** The option names of a managed parameter; may throw (e.g. 502 INTERFACE_FAILED), which the caller gets as is. */
  optionsOf(parameterId: string): Promise<string[]>;
}

/** Values ready for the body's `params`, and every problem found. */
export interface ParamValuesResult {
  /** Every configured parameter, in configured order, as its wire string (`""` when not given). */
  values: Record<string, string>;
  errors: FieldError[];
}

/** Whether a text has more than `max` characters (code points, as the schemas' maxLength counts). */
const tooLong = (text: string, max: number): boolean => text.length > max && [...text].length > max;

/**
 * Checks the values given for a webhook's template parameters (test sends, tasks, journeys) against
 * their types and required flags, and converts them to wire strings. Collects every problem at once;
 * only `optionsOf` reaches outside, once per managed parameter, and its failure is thrown.
 */
export async function validateParamValues(
  parameters: readonly WebhookParameter[],
  values: Readonly<Record<string, unknown>>,
  options: ParamOptionSource,
  pathPrefix = 'params',
): Promise<ParamValuesResult> {
  const errors: FieldError[] = [];
  const out: Record<string, string> = {};
  const byName = new Map(parameters.map((p) => [p.name, p]));
  for (const name of Object.keys(values)) {
    if (!byName.has(name)) errors.push({ path: `${pathPrefix}.${name}`, message: 'is not a parameter of this webhook' });
  }
  const pendingOptions: { parameter: WebhookParameter; value: string; path: string }[] = [];
  for (const parameter of parameters) {
    const path = `${pathPrefix}.${parameter.name}`;
    const given = Object.hasOwn(values, parameter.name) ? values[parameter.name] : undefined;
    const value = checkValue(parameter, given, path, errors);
    out[parameter.name] = value ?? '';
    if (value !== undefined && value !== '' && parameter.type === 'parameter') pendingOptions.push({ parameter, value, path });
  }
  await checkOptions(pendingOptions, options, errors);
  return { values: out, errors };
}

/** The wire string of one value, or undefined after recording why it is unusable. */
function checkValue(parameter: WebhookParameter, given: unknown, path: string, errors: FieldError[]): string | undefined {
  if (given === undefined) {
    if (parameter.required) errors.push({ path, message: 'is required' });
    return '';
  }
  const isNumber = typeof given === 'number';
  if (typeof given !== 'string' && !(isNumber && parameter.type === 'numeric')) {
    errors.push({ path, message: parameter.type === 'numeric' ? 'must be a decimal number (a string or a JSON number)' : 'must be a string' });
    return undefined;
  }
  if (isNumber && !Number.isFinite(given)) {
    errors.push({ path, message: 'must be a finite number' });
    return undefined;
  }
  const text = isNumber ? wireString(given) : (given as string);
  if (text.trim() === '') {
    if (parameter.required) errors.push({ path, message: 'is required and must not be blank' });
    return '';
  }
  const problem = typeProblem(parameter, text);
  if (problem !== undefined) {
    errors.push({ path, message: problem });
    return undefined;
  }
  return text;
}

/** What is wrong with a non-blank value for its parameter's type, if anything. */
function typeProblem(parameter: WebhookParameter, text: string): string | undefined {
  switch (parameter.type) {
    case 'string':
    case 'parameter':
      return tooLong(text, MAX_STRING_VALUE) ? `must be at most ${MAX_STRING_VALUE} characters` : undefined;
    case 'text':
      return tooLong(text, MAX_TEXT_VALUE) ? `must be at most ${MAX_TEXT_VALUE} characters` : undefined;
    case 'numeric':
      if (tooLong(text, MAX_STRING_VALUE)) return `must be at most ${MAX_STRING_VALUE} characters`;
      return DECIMAL.test(text) ? undefined : 'must be a decimal number such as 12 or -12.5 (no exponent, spaces or thousands separators)';
    case 'date':
      return isDateParam(text) ? undefined : 'must be a date-time such as 2026-12-01T09:00:00+08:00 (yyyy-MM-ddTHH:mm:ss and an offset or Z)';
  }
}

/** Checks `parameter`-type values against their managed parameter's options, asking each parameter once. */
async function checkOptions(pending: { parameter: WebhookParameter; value: string; path: string }[], source: ParamOptionSource, errors: FieldError[]): Promise<void> {
  const asked = new Map<string, Promise<string[]>>();
  for (const { parameter } of pending) {
    const id = parameter.parameterId;
    if (id !== undefined && !asked.has(id)) asked.set(id, source.optionsOf(id));
  }
  // Settle them all before throwing, so no rejection is left unobserved.
  const ids = [...asked.keys()];
  const settled = await Promise.allSettled(ids.map((id) => asked.get(id)!));
  const names = new Map<string, Set<string>>();
  for (const [i, result] of settled.entries()) {
    if (result.status === 'rejected') throw result.reason;
    names.set(ids[i]!, new Set(result.value));
  }
  for (const { parameter, value, path } of pending) {
    const allowed = parameter.parameterId === undefined ? undefined : names.get(parameter.parameterId);
    if (allowed === undefined) errors.push({ path, message: 'has no managed parameter to take its options from' });
    else if (!allowed.has(value)) errors.push({ path, message: `"${clip(value)}" is not one of the parameter's options` });
  }
}

/** A value echoed in a message, shortened. */
function clip(text: string): string {
  const chars = [...text];
  return chars.length > 64 ? `${chars.slice(0, 64).join('')}…` : text;
}
