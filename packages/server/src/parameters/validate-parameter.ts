import type { FieldError } from '../errors.js';
import { findPath, type ReferenceGraph } from './association-graph.js';
import type { ParameterInput, ParameterKind } from './model.js';

/** A parameter the input refers to, as far as the rules need it. */
export interface ReferencedParameter {
  name: string;
  kind: ParameterKind;
  /** Value names when it is constant-based. */
  valueNames: string[];
}

/** What the rules need to know beyond the input itself. */
export interface ValidationFacts {
  /** The parameter being edited; absent on create. */
  current?: { id: string; kind: ParameterKind; keySet: boolean };
  /** The workspace's parameters that the input names, by id (unknown ids are absent). */
  referenced: Map<string, ReferencedParameter>;
  /** The workspace's associations, to refuse cycles. */
  graph: ReferenceGraph;
  /** Names of every parameter in `graph`, for readable cycle messages. */
  names: Map<string, string>;
  /** On edit, the constant-based parameters associated with this one and the parent values they use. */
  dependents: { name: string; parentValues: string[] }[];
}

/**
 * Reserved as an associated parameter name: `GET /parameters/{id}/options?parent=` already uses it,
 * so a chosen value for an association named so could not be told apart.
 */
export const RESERVED_ASSOCIATION_NAME = 'parent';

/** The ids a parameter input is associated with, each with the field path that names it. */
export function referencesOf(input: ParameterInput): { id: string; path: string }[] {
  if (input.kind === 'constant') {
    return input.associatedParameterId ? [{ id: input.associatedParameterId, path: 'associatedParameterId' }] : [];
  }
  return (input.associatedParameters ?? []).flatMap((a, i) =>
    a.source === 'parameter' ? [{ id: a.parameterId, path: `associatedParameters[${i}].parameterId` }] : [],
  );
}

/** The document's rules that a schema cannot express; returns every violation. */
export function validateParameter(input: ParameterInput, facts: ValidationFacts): FieldError[] {
  const problems: FieldError[] = nulProblems(input, '');
  if (input.name.trim() === '') problems.push({ path: 'name', message: 'must not be blank' });
  if (facts.current && facts.current.kind !== input.kind) {
    problems.push({ path: 'kind', message: `cannot change from "${facts.current.kind}" to "${input.kind}"; create a new parameter instead` });
  }
  if (input.kind === 'constant') validateConstant(input, facts, problems);
  else validateInterface(input, facts, problems);
  validateReferences(input, facts, problems);
  return problems;
}

function validateConstant(input: Extract<ParameterInput, { kind: 'constant' }>, facts: ValidationFacts, problems: FieldError[]): void {
  uniqueNames(input.values, 'values', problems);
  // A value that associated parameters hang their values on cannot go away under them.
  const kept = new Set(input.values.map((v) => v.name));
  for (const dependent of facts.dependents) {
    for (const missing of new Set(dependent.parentValues.filter((p) => !kept.has(p)))) {
      problems.push({ path: 'values', message: `must keep value "${missing}": parameter "${dependent.name}" uses it as a parent value` });
    }
  }
  const parentId = input.associatedParameterId ?? null;
  const parent = parentId === null ? undefined : facts.referenced.get(parentId);
  input.values.forEach((value, i) => {
    if (parentId === null) {
      if (value.parentValue !== undefined) problems.push({ path: `values[${i}].parentValue`, message: 'is only allowed when associatedParameterId is set' });
    } else if (value.parentValue === undefined) {
      problems.push({ path: `values[${i}].parentValue`, message: 'is required when associatedParameterId is set' });
    } else if (parent?.kind === 'constant' && !parent.valueNames.includes(value.parentValue)) {
      problems.push({ path: `values[${i}].parentValue`, message: `"${value.parentValue}" is not a value of parameter "${parent.name}"` });
    }
  });
}

function validateInterface(input: Extract<ParameterInput, { kind: 'interface' }>, facts: ValidationFacts, problems: FieldError[]): void {
  if (!isHttpUrl(input.url)) problems.push({ path: 'url', message: 'must be an absolute http or https URL' });
  if (input.authMethod === 'key') {
    const keptKey = facts.current?.kind === 'interface' && facts.current.keySet;
    if (input.key === undefined && !keptKey) problems.push({ path: 'key', message: 'is required when authMethod is "key"' });
  } else if (input.key !== undefined) {
    problems.push({ path: 'key', message: 'is only allowed when authMethod is "key"' });
  }
  uniqueNames(input.systemParameters ?? [], 'systemParameters', problems);
  const associated = input.associatedParameters ?? [];
  uniqueNames(associated, 'associatedParameters', problems);
  associated.forEach((a, i) => {
    if (a.name === RESERVED_ASSOCIATION_NAME) {
      problems.push({ path: `associatedParameters[${i}].name`, message: `"${RESERVED_ASSOCIATION_NAME}" is reserved (it is the options query's parent value)` });
    }
  });
}

function validateReferences(input: ParameterInput, facts: ValidationFacts, problems: FieldError[]): void {
  const selfId = facts.current?.id;
  for (const { id, path } of referencesOf(input)) {
    if (id.includes(NUL)) continue; // already reported; such an id names nothing
    if (id === selfId) {
      problems.push({ path, message: 'must not be the parameter itself' });
    } else if (!facts.referenced.has(id)) {
      problems.push({ path, message: `parameter "${id}" does not exist` });
    } else if (selfId !== undefined) {
      // On create nothing can point at the new parameter yet, so only an edit can close a cycle.
      const chain = findPath(facts.graph, id, selfId);
      if (chain) {
        const names = [input.name.trim(), ...chain.map((node) => (node === selfId ? input.name.trim() : facts.names.get(node) ?? node))];
        problems.push({ path, message: `would create an association cycle: ${names.map((n) => `"${n}"`).join(' → ')}` });
      }
    }
  }
}

const NUL = '\u0000';

/** Every string in the input that holds a NUL character, which PostgreSQL text cannot store. */
export function nulProblems(value: unknown, path: string): FieldError[] {
  if (typeof value === 'string') return value.includes(NUL) ? [{ path: path || '(body)', message: 'must not contain the NUL character' }] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => nulProblems(item, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => nulProblems(item, path ? `${path}.${key}` : key));
  }
  return [];
}

function uniqueNames(items: readonly { name: string }[], list: string, problems: FieldError[]): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const earlier = first.get(item.name);
    if (earlier === undefined) first.set(item.name, i);
    else problems.push({ path: `${list}[${i}].name`, message: `duplicates ${list}[${earlier}].name "${item.name}"` });
  });
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
