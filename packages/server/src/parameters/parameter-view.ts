import type { ParameterUser, ParameterView, StoredParameter } from './model.js';

/** The API shape of a stored parameter: ISO times, `keySet` instead of the key. */
export function toView(stored: StoredParameter, usedBy?: ParameterUser[]): ParameterView {
  const common = {
    id: stored.id,
    name: stored.name,
    description: stored.description,
    version: stored.version,
    createdAt: new Date(stored.createdAt).toISOString(),
    updatedAt: new Date(stored.updatedAt).toISOString(),
    ...(usedBy ? { usedBy } : {}),
  };
  if (stored.kind === 'constant') {
    return { ...common, kind: 'constant', associatedParameterId: stored.settings.associatedParameterId, values: stored.settings.values };
  }
  const { url, authMethod, systemParameters, associatedParameters } = stored.settings;
  return { ...common, kind: 'interface', url, authMethod, keySet: stored.keySealed !== null, systemParameters, associatedParameters };
}
