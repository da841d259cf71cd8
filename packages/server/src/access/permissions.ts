/** The permission a non-administrator's role needs before any grant lets them use a webhook. */
export const WEBHOOK_USE = 'marketing.reach.webhook';

/** Every permission a role may hold, with the name the product's console shows. */
export const PERMISSIONS = [
  { name: WEBHOOK_USE, displayName: 'User Marketing-Reach Marketing-Webhook', description: 'Use the webhooks granted to you: list them, test send, tasks and journeys' },
] as const;

export type Permission = (typeof PERMISSIONS)[number]['name'];

export const PERMISSION_NAMES: readonly Permission[] = PERMISSIONS.map((p) => p.name);

/** The console name of a permission. */
export function displayNameOf(permission: string): string {
  return PERMISSIONS.find((p) => p.name === permission)?.displayName ?? permission;
}

/** A role's stored permissions (JSON text); anything unreadable counts as none. */
export function parsePermissions(json: string): Permission[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((p): p is Permission => PERMISSION_NAMES.includes(p as Permission)) : [];
  } catch {
    return [];
  }
}
