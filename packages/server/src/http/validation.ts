import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldError } from '../errors.js';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

function createAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    allErrors: true, // every field error at once
    removeAdditional: false, // unknown fields are errors, not silently dropped
    useDefaults: true,
    coerceTypes,
    discriminator: true,
    strict: false,
    messages: true,
  });
  addFormats(ajv);
  return ajv;
}

/**
 * Fastify's `schemaController.compilersFactory.buildValidator`: called for every plugin context
 * with the shared schemas added so far (so `$ref`s resolve). JSON bodies are typed by the client
 * and never coerced; query strings and path params arrive as text and are coerced.
 */
export function buildValidator(externalSchemas: Record<string, unknown>): FastifySchemaCompiler<unknown> {
  const bodyAjv = createAjv(false);
  const textAjv = createAjv('array');
  for (const schema of Object.values(externalSchemas ?? {})) {
    bodyAjv.addSchema(schema as object);
    textAjv.addSchema(schema as object);
  }
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? bodyAjv : textAjv;
    return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}

/**
 * `full`, asked only when `surelyValid` (a fast check that never accepts what `full` refuses) says
 * no, so the errors are always `full`'s. For a hot route whose valid input is the common case.
 */
export function withFastPath(full: ValidatorFunction, surelyValid: (data: unknown) => boolean): ValidatorFunction {
  const validate = ((data: unknown) => {
    if (surelyValid(data)) {
      validate.errors = null;
      return true;
    }
    const valid = full(data);
    validate.errors = full.errors;
    return valid;
  }) as ValidatorFunction;
  return validate;
}

/** A compiled validator as Fastify calls it: true, or false with `errors`. */
export type ValidatorFunction = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** `/parameters/1/name` → `parameters[1].name` */
export function jsonPointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += /^\d+$/.test(part) ? `[${part}]` : path === '' ? part : `.${part}`;
  }
  return path;
}

function join(base: string, name: string): string {
  return base === '' ? name : `${base}.${name}`;
}

/** Turns ajv errors into field errors with readable paths, one per problem. */
export function toFieldErrors(ajvErrors: ErrorObject[], context: string | undefined): FieldError[] {
  const prefix = context && context !== 'body' ? (context === 'querystring' ? 'query' : context) : '';
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const e of ajvErrors) {
    // The branches of a union explain themselves; the umbrella error adds nothing.
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    let path = jsonPointerToPath(e.instancePath);
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      path = join(path, String((e.params as { missingProperty: string }).missingProperty));
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      path = join(path, String((e.params as { additionalProperty: string }).additionalProperty));
      message = 'is not an allowed field';
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
    }
    const full = prefix ? (path ? `${prefix}.${path}` : prefix) : path || '(body)';
    const key = `${full}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ path: full, message });
  }
  return result;
}
