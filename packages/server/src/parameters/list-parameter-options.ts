import type { Principal } from '../access/principal.js';
import type { AppContext } from '../context.js';
import { errors, type FieldError } from '../errors.js';
import { fetchInterfaceOptions } from './fetch-interface-options.js';
import type { ParameterOption, StoredParameter } from './model.js';
import { findParameter } from './store.js';

/**
 * The values a task can choose for a parameter: a constant's values (under `parent` when given), or
 * what its interface answers now. `chosen` holds, by association name, the values already chosen
 * for the parameters an interface is associated with (cascading).
 */
export async function listParameterOptions(
  ctx: AppContext,
  principal: Principal,
  id: string,
  query: { parent?: string } & Record<string, string>,
): Promise<{ items: ParameterOption[] }> {
  const parameter = await findParameter(ctx.store.db, principal.workspaceId, id);
  if (!parameter) throw errors.notFound('Parameter', id);
  const { parent, ...chosen } = query;
  const problems = unknownChoices(parameter, chosen);
  if (problems.length > 0) throw errors.validation(problems);
  if (parameter.kind === 'constant') {
    const values = parameter.settings.values;
    return { items: parent === undefined ? values : values.filter((v) => v.parentValue === parent) };
  }
  const items = await fetchInterfaceOptions(ctx, parameter, principal, { ...(parent !== undefined ? { parent } : {}), chosen });
  return { items };
}

/** Query parameters besides `parent` must name an association sourced from a parameter. */
function unknownChoices(parameter: StoredParameter, chosen: Record<string, string>): FieldError[] {
  const associations = parameter.kind === 'interface' ? parameter.settings.associatedParameters : [];
  return Object.keys(chosen).flatMap((name): FieldError[] => {
    const association = associations.find((a) => a.name === name);
    if (!association) return [{ path: `query.${name}`, message: 'is not an associated parameter of this parameter' }];
    if (association.source === 'manual') return [{ path: `query.${name}`, message: 'is set manually on the parameter and cannot be chosen' }];
    return [];
  });
}
