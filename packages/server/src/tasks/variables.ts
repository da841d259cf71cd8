/**
 * `${attribute}` variables of text parameters (docs/tasks.md, "Variables"): filled per user from the
 * audience's attributes. `$${` writes a literal `${`. Anything else that starts a variable but is not
 * one (no closing brace, an empty or invalid name) is refused when the task is saved, so a typo is
 * never sent to a million users as is.
 */

/** A parsed text: literal pieces and variable names, in order. */
export type Template = readonly (string | { variable: string })[];

/** Longest variable name, in characters. */
export const MAX_VARIABLE_NAME = 64;

/** A name: no braces, `$` or control characters, no edge whitespace. */
const NAME = /^[^{}$\p{Cc}\s](?:[^{}$\p{Cc}]*[^{}$\p{Cc}\s])?$/u;

/** The template of `text`, or the reason it is not a valid one (with the 1-based character position). */
export function parseTemplate(text: string): { template: Template } | { problem: string } {
  const parts: (string | { variable: string })[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      literal += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      literal += text[i];
      i++;
      continue;
    }
    const close = text.indexOf('}', i + 2);
    const name = close < 0 ? '' : text.slice(i + 2, close);
    if (close < 0 || !NAME.test(name) || [...name].length > MAX_VARIABLE_NAME) {
      const shown = close < 0 ? text.slice(i, i + 20) : text.slice(i, close + 1);
      return {
        problem: `has an invalid variable ${JSON.stringify(shown)} at character ${[...text.slice(0, i)].length + 1}: write \${attribute} (1-${MAX_VARIABLE_NAME} characters, no braces or $), or $\${ for a literal \${`,
      };
    }
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push({ variable: name });
    i = close + 1;
  }
  if (literal !== '') parts.push(literal);
  return { template: parts };
}

/** The variable names a template uses, each once, in order of first use. */
export function variablesOf(template: Template): string[] {
  return [...new Set(template.flatMap((p) => (typeof p === 'string' ? [] : [p.variable])))];
}

/** Whether a template is only literal text (nothing to fill per user). */
export function isLiteral(template: Template): boolean {
  return template.every((p) => typeof p === 'string');
}

/** What to do when a user has no (or a blank) value for a variable: skip the user, or use a text instead. */
export type MissingVariable = 'skip' | { replace: string };

/**
 * The template filled with `attributes`, or undefined when a variable has no usable value and the
 * policy is to skip. A value is missing when absent, not a string, or blank.
 */
export function fillTemplate(template: Template, attributes: Readonly<Record<string, unknown>>, missing: MissingVariable): string | undefined {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = Object.hasOwn(attributes, part.variable) ? attributes[part.variable] : undefined;
    if (typeof value === 'string' && value.trim() !== '') out += value;
    else if (missing === 'skip') return undefined;
    else out += missing.replace;
  }
  return out;
}
