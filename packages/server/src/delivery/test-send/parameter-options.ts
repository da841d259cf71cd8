import type { Principal } from '../../access/principal.js';
import type { AppContext } from '../../context.js';
import { fetchInterfaceOptions } from '../../parameters/fetch-interface-options.js';
import type { StoredInterfaceParameter } from '../../parameters/model.js';
import { findParameter } from '../../parameters/store.js';
import type { WebhookParameter } from '../../webhooks/model.js';
import type { ParamOptionSource } from '../../webhooks/validate-param-values.js';

/**
 * The option names of the managed parameters a webhook's values use: a constant's value names (any
 * parent), or what its interface answers now. An interface associated with another managed parameter
 * that this webhook also has gets the value given for that one (cascading), as the options API would.
 */
export function parameterOptionSource(
  ctx: AppContext,
  principal: Principal,
  parameters: readonly WebhookParameter[],
  values: Readonly<Record<string, unknown>>,
): ParamOptionSource {
  return {
    async optionsOf(parameterId) {
      const parameter = await findParameter(ctx.store.db, principal.workspaceId, parameterId);
      if (!parameter) return [];
      if (parameter.kind === 'constant') return parameter.settings.values.map((v) => v.name);
      const options = await fetchInterfaceOptions(ctx, parameter, principal, { chosen: chosenValues(parameter, parameters, values) });
      return options.map((o) => o.name);
    },
  };
}

/** By association name, the values given for the webhook parameters that use the associated managed parameters. */
function chosenValues(parameter: StoredInterfaceParameter, parameters: readonly WebhookParameter[], values: Readonly<Record<string, unknown>>): Record<string, string> {
  const chosen: Record<string, string> = {};
  for (const association of parameter.settings.associatedParameters) {
    if (association.source !== 'parameter') continue;
    const user = parameters.find((p) => p.type === 'parameter' && p.parameterId === association.parameterId);
    const value = user && Object.hasOwn(values, user.name) ? values[user.name] : undefined;
    if (typeof value === 'string' && value !== '') Object.defineProperty(chosen, association.name, { value, enumerable: true, writable: true, configurable: true });
  }
  return chosen;
}
