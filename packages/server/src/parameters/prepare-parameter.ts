import type { Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { Database } from '../store/schema.js';
import { keyContext, type ConstantSettings, type InterfaceSettings, type ParameterInput, type StoredParameter } from './model.js';
import { findDependentConstants, findReferenced, referenceGraph, type ParameterWrite } from './store.js';
import { referencesOf, validateParameter } from './validate-parameter.js';

/**
 * Applies the semantic rules to a create or edit body (inside the write's transaction, so existence
 * and cycle checks see what will be committed) and turns it into what the store writes. Throws one
 * validation error listing every problem.
 */
export async function prepareParameter(
  ctx: AppContext,
  trx: Transaction<Database>,
  at: { id: string; workspaceId: string },
  input: ParameterInput,
  current?: StoredParameter,
): Promise<ParameterWrite> {
  const references = referencesOf(input).map((r) => r.id);
  // Ids with a NUL are reported by the rules; PostgreSQL would refuse them as query values.
  const referenced = await findReferenced(trx, at.workspaceId, references.filter((id) => !id.includes('\u0000')));
  const { graph, names } = current ? await referenceGraph(trx, at.workspaceId) : { graph: new Map(), names: new Map() };
  const dependents = current?.kind === 'constant' && input.kind === 'constant' ? await findDependentConstants(trx, at.workspaceId, at.id) : [];
  const problems = validateParameter(input, {
    current: current && { id: current.id, kind: current.kind, keySet: current.keySealed !== null },
    referenced,
    graph,
    names,
    dependents,
  });
  if (problems.length > 0) throw errors.validation(problems);

  const common = { name: input.name.trim(), description: input.description ?? '', references };
  if (input.kind === 'constant') {
    const settings: ConstantSettings = { associatedParameterId: input.associatedParameterId ?? null, values: input.values };
    return { ...common, kind: 'constant', settings, keySealed: null };
  }
  const settings: InterfaceSettings = {
    url: input.url,
    authMethod: input.authMethod,
    systemParameters: input.systemParameters ?? [],
    associatedParameters: input.associatedParameters ?? [],
  };
  let keySealed: string | null = null;
  if (input.authMethod === 'key') {
    // Omitting the key on edit keeps the stored one (validation made sure there is one).
    keySealed = input.key !== undefined ? ctx.secrets.seal(input.key, keyContext(at.id)) : current?.keySealed ?? null;
  }
  return { ...common, kind: 'interface', settings, keySealed };
}

/** A parameter named by the body was deleted between the checks and the write (possible only without the workspace lock). */
export function referencedParameterVanished() {
  return errors.validation([{ path: '(body)', message: 'an associated parameter was deleted meanwhile; check the associations and retry' }]);
}
