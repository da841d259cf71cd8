import type { Principal } from '../access/principal.js';
import type { StoredInterfaceParameter, SystemValue } from './model.js';

/** The JSON body POSTed to a parameter's interface. */
export interface InterfaceRequestBody {
  parameter: { id: string; name: string };
  systemParameters: Record<string, string>;
  associatedParameters: Record<string, string>;
  parent?: string;
}

/** Values chosen so far by the caller: the parent value and, by association name, values of other parameters. */
export interface InterfaceRequestInput {
  parent?: string;
  chosen: Record<string, string>;
}

/** A system parameter's value for the calling member; both are JSON text so they travel as strings. */
export function systemValue(value: SystemValue, principal: Principal): string {
  if (value === 'currentUser') return JSON.stringify({ id: principal.memberId, name: principal.name, email: principal.email });
  return JSON.stringify({ workspaceId: principal.workspaceId, admin: principal.admin });
}

/**
 * Builds the interface request body. An association sourced from a parameter carries the value the
 * caller chose for it, and is left out when none was chosen yet; a manual one carries its configured text.
 */
export function interfaceRequestBody(parameter: StoredInterfaceParameter, principal: Principal, input: InterfaceRequestInput): InterfaceRequestBody {
  // fromEntries and hasOwn: names such as "__proto__" or "constructor" are valid and must stay plain data.
  const systemParameters = Object.fromEntries(parameter.settings.systemParameters.map((p) => [p.name, systemValue(p.value, principal)]));
  const associatedParameters = Object.fromEntries(
    parameter.settings.associatedParameters.flatMap((a): [string, string][] => {
      if (a.source === 'manual') return [[a.name, a.value]];
      return Object.hasOwn(input.chosen, a.name) ? [[a.name, input.chosen[a.name]!]] : [];
    }),
  );
  return {
    parameter: { id: parameter.id, name: parameter.name },
    systemParameters,
    associatedParameters,
    ...(input.parent !== undefined ? { parent: input.parent } : {}),
  };
}
