import type { Generated } from 'kysely';

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
  delivery_batches: DeliveryBatchRow;
  delivery_attempts: DeliveryAttemptRow;
  /** A view over delivery_rosters (migration 0018): read only. */
  delivery_messages: DeliveryMessageRow;
  delivery_rosters: DeliveryRosterRow;
  delivery_bodies: DeliveryBodyRow;
  webhook_rate_buckets: WebhookRateBucketRow;
  test_sends: TestSendRow;
  batch_receipts: BatchReceiptsRow;
  receipt_counts: ReceiptCountRow;
  receipt_nonces: ReceiptNonceRow;
  roles: RoleRow;
  member_roles: MemberRoleRow;
  member_groups: MemberGroupRow;
  member_group_members: MemberGroupMemberRow;
  webhook_grants: WebhookGrantRow;
  audit_log: AuditLogRow;
  audiences: AudienceRow;
  audience_users: AudienceUserRow;
  audience_usages: AudienceUsageRow;
  tasks: TaskRow;
  journeys: JourneyRow;
  journey_versions: JourneyVersionRow;
  journey_instances: JourneyInstanceRow;
  journey_node_exits: JourneyNodeExitRow;
  journey_cohorts: JourneyCohortRow;
  journey_cohort_members: JourneyCohortMembersRow;
  journey_cohort_users: JourneyCohortUsersRow;
  journey_entries: JourneyEntryRow;
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
  /** 0 when disabled: the member's tokens stop working until enabled again. */
  enabled: Generated<number>;
  /** Set when deleted: the row stays so history can still name the member. */
  deleted_at: Generated<number | null>;
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
  /** The owner's label for the token ("CI", "laptop"). */
  name: Generated<string>;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** A named set of permissions given to members. */
export interface RoleRow {
  id: string;
  workspace_id: string;
  name: string;
  /** JSON array of permission names (access/permissions.ts). */
  permissions: string;
  created_at: number;
  updated_at: number;
}

export interface MemberRoleRow {
  member_id: string;
  role_id: string;
}

/** A named set of members, to grant webhooks to many at once. */
export interface MemberGroupRow {
  id: string;
  workspace_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface MemberGroupMemberRow {
  group_id: string;
  member_id: string;
}

/** Permission to use one webhook, for one member or one member group, within a validity window. */
export interface WebhookGrantRow {
  id: string;
  workspace_id: string;
  webhook_id: string;
  /** 'member' | 'group': all grants of one webhook share one method. */
  method: string;
  member_id: string | null;
  group_id: string | null;
  /** Valid from this instant (inclusive) until `valid_until` (exclusive). */
  valid_from: number;
  valid_until: number;
  created_by: string;
  created_at: number;
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
  /** Per-request timeout, at most 10 s. */
  timeout_ms: number;
  /** Requests in flight at once to this webhook. */
  max_concurrency: number;
  /** Requests per second to this webhook (token bucket); 0 means unlimited. */
  max_per_second: number;
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


/**
 * One batch of 1..100 users in the durable outbox. Its body is built once at enqueue, so every
 * retry sends the same bytes (same batchId, actionIds and send_time).
 */
export interface DeliveryBatchRow {
  /** Also `callback_params.batchId`. */
  id: string;
  workspace_id: string;
  webhook_id: string;
  /** 'task' | 'journey' */
  run_kind: string;
  task_id: string | null;
  journey_id: string | null;
  node_id: string | null;
  user_count: number;
  /** 'pending' (due at next_attempt_at) | 'sending' (leased) | 'succeeded' | 'failed' | 'cancelled' */
  status: string;
  attempts: number;
  max_attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  /** JSON of the last failed attempt's outcome. */
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** One HTTP attempt of a batch. */
export interface DeliveryAttemptRow {
  batch_id: string;
  attempt: number;
  started_at: number;
  latency_ms: number;
  success: number;
  retryable: number;
  http_status: number | null;
  code: string | null;
  message: string | null;
  error: string | null;
}

/** A batch's users: a JSON array of [action_id, customer_id, target_type, target_id], in action id order. */
export interface DeliveryRosterRow {
  batch_id: string;
  /** JSON text on SQLite; PostgreSQL's jsonb arrives parsed (delivery/roster.ts rosterEntries reads both). */
  roster: string;
}

/** One user of a batch: the unit receipts and task details speak of (a row of the delivery_messages view). */
export interface DeliveryMessageRow {
  /** Also `callback_params.actionId`. */
  action_id: string;
  batch_id: string;
  customer_id: string;
  target_type: string;
  target_id: string;
}

/** A webhook's token bucket shared by all workers (PostgreSQL deployments). */
export interface WebhookRateBucketRow {
  webhook_id: string;
  tokens: number;
  refilled_at: number;
}

/** The exact JSON array a batch sends, written once at enqueue (apart from the batch row, which the engine rewrites). */
export interface DeliveryBodyRow {
  batch_id: string;
  body: string;
}

/** One test send, with its downloadable log. */
export interface TestSendRow {
  id: string;
  workspace_id: string;
  webhook_id: string;
  member_id: string;
  id_type: string;
  target_id: string;
  success: number;
  http_status: number | null;
  code: string | null;
  message: string | null;
  error: string | null;
  latency_ms: number;
  /** JSON of the request and response, the key masked. */
  log: string;
  created_at: number;
}

/** Receipts of one status code reported for one batch's users (migration 0019), kept as receipts arrive. */
export interface ReceiptCountRow {
  batch_id: string;
  status: string;
  /** Receipts stored with this code (a repeated msg_id is not stored again). */
  receipts: number;
  /** Distinct users of the batch that reported this code. */
  users: number;
}

/**
 * The receipts one report gave about one batch's users (migration 0022); (batch_id, received_at, report) is its key.
 * A message's latest receipt is in its newest row (received_at, then report), the last of its entries there.
 */
export interface BatchReceiptsRow {
  batch_id: string;
  received_at: number;
  /** The report's nonce. */
  report: string;
  /** 1 when a journey sent the batch (journeys read these receipts by arrival), else null. */
  for_journey: number | null;
  /** Four fields per receipt, action_id, msg_id, status, send_time, joined by U+0001 (receipts/receipt-entries.ts). */
  entries: string;
}

/** A nonce seen on the receipts endpoint, refused again until it expires with the timestamp window. */
export interface ReceiptNonceRow {
  nonce: string;
  expires_at: number;
}

/** One configuration or grant change: who, when, what, and the resource before and after (secrets masked). */
export interface AuditLogRow {
  /** Insertion order, so entries written in the same millisecond still read newest first. */
  seq: Generated<number>;
  id: string;
  workspace_id: string;
  /** The member who made the change; no foreign key, so the entry outlives the member. */
  actor_id: string;
  /** The member's name when the change was made. */
  actor_name: string;
  action: string;
  resource_type: string;
  resource_id: string;
  /** JSON of the resource before the change (null when it did not exist), secrets masked. */
  before_value: string | null;
  /** JSON of the resource after the change (null when it no longer exists), secrets masked. */
  after_value: string | null;
  at: number;
}


/** A named list of users a task or journey sends to. */
export interface AudienceRow {
  id: string;
  workspace_id: string;
  /** Unique within the workspace. */
  name: string;
  description: Generated<string>;
  /** The member who created it. */
  created_by: string;
  /** Users in the audience, kept current by every import. */
  user_count: Generated<number>;
  created_at: number;
  updated_at: number;
}

/** One user of an audience; (audience_id, customer_id) is its key, and the order tasks read it in. */
export interface AudienceUserRow {
  audience_id: string;
  customer_id: string;
  /** JSON object: ID type code -> id, e.g. {"OPEN_ID":"o1","MOBILE":"138..."}. */
  ids: string;
  /** JSON object of string values, filling `${attribute}` variables. */
  attributes: string;
  updated_at: number;
}

/** A task or journey that uses an audience; fed by those features, read by audience deletion. */
export interface AudienceUsageRow {
  audience_id: string;
  /** 'task' | 'journey' */
  owner_kind: string;
  owner_id: string;
  owner_name: string;
}

/** A webhook task (Reach Marketing): one message to every user of an audience, through one webhook. */
export interface TaskRow {
  id: string;
  workspace_id: string;
  name: string;
  audience_id: string;
  webhook_id: string;
  /** The ID type sent as user_profile.target_type. */
  id_type: string;
  batch_size: number;
  /** JSON object: parameter name -> wire string (text parameters may hold `${attribute}` variables). */
  params: string;
  /** JSON: "skip" or {"replace": text}. */
  missing_variable: string;
  /** JSON: {"type":"now"} or {"type":"at","at":"<ISO with offset as given>"}. */
  schedule: string;
  /** When the task is due (epoch ms); the creation time for "now". */
  send_at: number;
  /** 'pending' | 'sending' | 'finished' | 'failed' | 'cancelled' */
  status: string;
  /** JSON {code, message} of why a failed task could not run. */
  failure: string | null;
  /** The member on whose behalf the task runs. */
  created_by: string;
  /** The runner enqueuing the task's pages, until `lease_expires_at`. */
  lease_owner: string | null;
  lease_expires_at: number | null;
  /** customer_id of the last audience user whose page is enqueued: where a restart resumes. */
  cursor: string | null;
  /** 1 once every page of the audience is enqueued. */
  all_enqueued: number;
  /** The audience's size when the task started. */
  audience_size: number | null;
  users_read: number;
  users_enqueued: number;
  batches_enqueued: number;
  skipped_no_id: number;
  skipped_missing_variable: number;
  version: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

/** An Automated Marketing journey; its definitions live in `journey_versions`. */
export interface JourneyRow {
  id: string;
  workspace_id: string;
  name: string;
  /** 'draft' | 'published' | 'paused' | 'stopped' */
  status: string;
  /** The version being edited (equal to published_version when there are no unpublished changes). */
  latest_version: number;
  /** The version users enter; null until the first publish. */
  published_version: number | null;
  /** The published version's entry: 'audience' | 'event' (null before the first publish). */
  entry_type: string | null;
  audience_id: string | null;
  /** When the audience enters (epoch ms). */
  entry_at: number | null;
  /** 'never' | 'afterExit' (event entry). */
  reentry: string | null;
  /** customer_id of the last audience user entered: where a restart resumes. */
  audience_cursor: string | null;
  audience_done: number;
  entry_lease_owner: string | null;
  entry_lease_expires_at: number | null;
  created_by: string;
  /** Row version (ETag), bumped by every change. */
  version: number;
  created_at: number;
  updated_at: number;
  published_at: number | null;
  stopped_at: number | null;
}

/** One version of a journey's definition (JSON); immutable once published. */
export interface JourneyVersionRow {
  journey_id: string;
  version: number;
  definition: string;
  created_by: string;
  created_at: number;
  published_at: number | null;
}

/** One user going through a journey (a process instance): where they are and what they wait for. */
export interface JourneyInstanceRow {
  /** Also process_info.processInstanceId and callback_params.instanceId. */
  id: string;
  workspace_id: string;
  journey_id: string;
  journey_version: number;
  customer_id: string;
  /** JSON object: ID type code -> id, as the user entered. */
  ids: string;
  /** JSON object of attributes filling `${attribute}` variables. */
  attributes: string;
  /** Unique per journey when the user may enter only once. */
  entry_key: string | null;
  /** 'active' | 'exited' | 'stopped' */
  status: string;
  node_id: string;
  /** process_info.processNodeInstanceId of the current node visit. */
  visit_id: string;
  node_entered_at: number;
  /** 'arrive' (act at the node when due) | 'leave' (leave by `exit` when due) | 'judge' (await a result until due) | 'done' */
  phase: string;
  exit: string | null;
  due_at: number | null;
  /** process_info.groupName so far. */
  group_name: string;
  /** The latest webhook send: what a following judgment judges. */
  last_batch_id: string | null;
  last_action_id: string | null;
  /** Past node visits: how many lines `path` holds. */
  steps: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  started_at: number;
  exited_at: number | null;
  /** Past node visits, one JSON array per line: [node_id, visit_id, entered_at, left_at, exit] (journeys/path.ts). */
  path: string;
}

/** Users who left a node by an exit, per journey: the per-node counts of the journey details. */
export interface JourneyNodeExitRow {
  journey_id: string;
  node_id: string;
  exit: string;
  users: number;
}

/**
 * Users who entered a journey together, were sent in one batch and wait at a judgment whose every
 * branch ends (migration 0020, docs/journeys.md "Cohorts"): one row instead of one instance each.
 */
export interface JourneyCohortRow {
  id: string;
  workspace_id: string;
  journey_id: string;
  journey_version: number;
  /** The judgment node they wait at. */
  node_id: string;
  batch_id: string;
  started_at: number;
  node_entered_at: number;
  /** The judgment's deadline; null once nobody waits. */
  due_at: number | null;
  /** JSON array beside its members (journey_cohort_members): null while waiting, `[exit, at]` once judged, `[null, at]` once stopped. */
  results: string;
  /** The members' action ids in member order, joined by commas (migration 0023): what the judgment reads of the members. */
  member_actions: string;
  /** Members still waiting. */
  pending: number;
  /** When a member was last judged or stopped. */
  settled_at: number | null;
  /** Bumped by every write: a runner writes only the cohort it read. */
  revision: number;
}

/** A cohort's members, written once (migration 0021): apart from the cohort's row, which every judgment rewrites. */
export interface JourneyCohortMembersRow {
  cohort_id: string;
  /** JSON array of members, each `[instanceId, customerId, actionId, visitId, steps, groupName, path]`. */
  members: string;
}

/** Cohort members no longer waiting, per journey, node where they are and status (exited at the node their branch led to, or stopped at the judgment). */
export interface JourneyCohortUsersRow {
  journey_id: string;
  node_id: string;
  status: string;
  users: number;
}

/** A customer who entered a journey as a cohort member: refuses a second entry as the instances' own unique keys do. */
export interface JourneyEntryRow {
  journey_id: string;
  customer_id: string;
  cohort_id: string;
}

/** A node visit an instance has finished: a line of its `path`, and one more user for its node's exit count. */
export interface JourneyStepRow {
  instance_id: string;
  seq: number;
  journey_id: string;
  node_id: string;
  visit_id: string;
  entered_at: number;
  left_at: number;
  exit: string;
}
