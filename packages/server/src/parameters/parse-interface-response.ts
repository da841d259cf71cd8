import { classifyResponse } from '@hookreach/protocol';
import type { ParameterOption } from './model.js';

/** Most options an interface may return. */
export const MAX_OPTIONS = 1000;
/** Longest option name, display name or parent value. */
export const MAX_OPTION_TEXT = 256;

/** Usable options, or why the answer is not usable. */
export type InterfaceAnswer = { ok: true; options: ParameterOption[] } | { ok: false; reason: string };

/**
 * Accepts HTTP 2xx with `{"code":"OK","options":[{name, displayName, parentValue?}]}` (the webhook
 * protocol's success rule plus the options list); unknown fields are ignored.
 */
export function parseInterfaceResponse(status: number, bodyText: string): InterfaceAnswer {
  const classified = classifyResponse(status, bodyText);
  if (!classified.ok) {
    let reason = classified.reason;
    if (status >= 300 && status < 400) reason += ' (redirects are not followed)';
    if (classified.message) reason += `; message: ${JSON.stringify(classified.message)}`;
    return { ok: false, reason };
  }
  const options = (JSON.parse(bodyText.replace(/^\uFEFF/, '')) as { options?: unknown }).options;
  if (!Array.isArray(options)) return { ok: false, reason: '"options" must be an array' };
  if (options.length > MAX_OPTIONS) return { ok: false, reason: `"options" has ${options.length} items; at most ${MAX_OPTIONS} are allowed` };
  const result: ParameterOption[] = [];
  for (let i = 0; i < options.length; i++) {
    const option = options[i] as Record<string, unknown> | null;
    if (typeof option !== 'object' || option === null || Array.isArray(option)) return { ok: false, reason: `options[${i}] must be an object` };
    for (const field of ['name', 'displayName'] as const) {
      if (!isText(option[field], 1)) return { ok: false, reason: `options[${i}].${field} must be a string of 1..${MAX_OPTION_TEXT} characters` };
    }
    const parentValue = option.parentValue;
    if (parentValue !== undefined && parentValue !== null && !isText(parentValue, 0)) {
      return { ok: false, reason: `options[${i}].parentValue must be a string of at most ${MAX_OPTION_TEXT} characters` };
    }
    result.push({
      name: option.name as string,
      displayName: option.displayName as string,
      ...(typeof parentValue === 'string' ? { parentValue } : {}),
    });
  }
  return { ok: true, options: result };
}

function isText(value: unknown, min: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= MAX_OPTION_TEXT;
}
