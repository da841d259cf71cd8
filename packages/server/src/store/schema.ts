

/**
 * Row types of every table. Conventions that hold on both dialects: booleans are 0/1 integers,
 * times are epoch milliseconds (bigint, read back as numbers), JSON is stored as text.
 */
export interface Database {
  workspaces: WorkspaceRow;
  members: MemberRow;
  api_tokens: ApiTokenRow;
  id_types: IdTypeRow;
  parameters: ParameterRow;
  parameter_references: ParameterReferenceRow;
  webhooks: WebhookRow;
  webhook_parameters: WebhookParameterRow;
  receipt_statuses: ReceiptStatusRow;
  webhook_usages: WebhookUsageRow;
}

export interface WorkspaceRow {
  id: string;
  name: string;
  created_at: number;
}

export interface MemberRow {
  id: string;
  workspace_id: string;
  name: string;
  email: string;
  admin: number;
  created_at: number;
  updated_at: number;
}

export interface ApiTokenRow {
  id: string;
  member_id: string;
  /** SHA-256 hex of the token; the token itself is never stored. */
  token_hash: string;
  /** First characters of the token, to recognise it in lists. */
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface IdTypeRow {
  workspace_id: string;
  code: string;
  display_name: string;
  enabled: number;
  priority: number;
}

export interface ParameterRow {
  id: string;
  workspace_id: string;
  name: string;
  /** 'constant' | 'interface' */
  kind: string;
  description: string;
  /** JSON: the kind-specific settings (values, url, associations), without secrets. */
  settings: string;
  /** AES-256-GCM sealed interface key, or null. */
  key_sealed: string | null;
  version: number;
  created_at: number;
  updated_at: number;
}

/** That parameter `parameter_id` names parameter `referenced_id` (an association). */
export interface ParameterReferenceRow {
  parameter_id: string;
  referenced_id: string;
}

export interface WebhookRow {
  id: string;
  workspace_id: string;
  name: string;
  /** 'none' | 'key' */
  auth_method: string;
  key_sealed: string | null;
  url: string;
  /** JSON array of ID type codes. */
  id_types: string;
  pass_environment: number;
  receipt_enabled: number;
  receipt_retention_hours: number;
  enabled: number;
  /** JSON of the latest test send result, or null. */
  latest_test: string | null;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface WebhookParameterRow {
  webhook_id: string;
  position: number;
  name: string;
  display_name: string;
  /** 'string' | 'numeric' | 'text' | 'date' | 'parameter' */
  type: string;
  parameter_id: string | null;
  required: number;
}

export interface ReceiptStatusRow {
  webhook_id: string;
  code: string;
  value: string;
  position: number;
}

/** A task or journey that uses a webhook; fed by those features, read by webhook deletion. */
export interface WebhookUsageRow {
  webhook_id: string;
  /** 'task' | 'journey' */
  owner_kind: string;
  owner_id: string;
  owner_name: string;
}

