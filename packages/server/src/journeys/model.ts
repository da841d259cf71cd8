import type { MissingVariable } from '../tasks/variables.js';

/** A journey's life: edited as a draft, then published (running), paused (entries stop, users hold) or stopped for good. */
export const JOURNEY_STATUSES = ['draft', 'published', 'paused', 'stopped'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

export const NODE_TYPES = ['webhook', 'wait', 'split', 'judgment', 'end'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export const REENTRY_POLICIES = ['never', 'afterExit'] as const;
export type ReentryPolicy = (typeof REENTRY_POLICIES)[number];

/** The exit every node but split, judgment and end has; an edge without `exit` leaves by it. */
export const DEFAULT_EXIT = 'default';
/** The webhook node's exit for users without an ID of its ID type (or skipped for a missing variable). */
export const NO_ID_EXIT = 'noId';
/** The judgment's automatic branch: no chosen result before the wait ended. */
export const OTHER_EXIT = 'other';
/** Judgment results besides `receipt:<code>`. */
export const SEND_RESULTS = ['success', 'failed'] as const;
export const RECEIPT_RESULT_PREFIX = 'receipt:';

/** A relative wait (exactly one unit) or a fixed time (ISO 8601 with an offset). */
export type WaitSpec = { minutes: number } | { hours: number } | { days: number } | { until: string };

/** How users enter: once each from an audience at a time, or by events posted with customer ids. */
export type JourneyEntry =
  | { type: 'audience'; audienceId: string; at: string }
  | { type: 'event'; reentry: ReentryPolicy };

export interface WebhookNode {
  id: string;
  type: 'webhook';
  name: string;
  webhookId: string;
  idType: string;
  /** Parameter name -> wire string (text parameters may hold `${attribute}` variables). */
  params: Record<string, string>;
  missingVariable: MissingVariable;
}
export interface WaitNode {
  id: string;
  type: 'wait';
  name: string;
  wait: WaitSpec;
}
export interface SplitGroup {
  name: string;
  /** Share of users, 0.01..100 with at most two decimals. */
  percent: number;
}
export interface SplitNode {
  id: string;
  type: 'split';
  name: string;
  groups: SplitGroup[];
}
export interface JudgmentNode {
  id: string;
  type: 'judgment';
  name: string;
  /** The longest a user waits for a chosen result. */
  wait: WaitSpec;
  /** Chosen results, each a branch: success, failed, receipt:<code>; "other" is automatic. */
  results: string[];
}
export interface EndNode {
  id: string;
  type: 'end';
  name: string;
}
export type JourneyNode = WebhookNode | WaitNode | SplitNode | JudgmentNode | EndNode;

export interface JourneyEdge {
  from: string;
  /** Omitted for a node's default exit. */
  exit?: string;
  to: string;
}

/** The versioned JSON of a journey: what scripts, the console canvas and the engine share. */
export interface JourneyDefinition {
  name: string;
  entry: JourneyEntry;
  nodes: JourneyNode[];
  edges: JourneyEdge[];
}

/** A journey as the API shows it: its latest version's definition and where it stands. */
export interface Journey extends JourneyDefinition {
  id: string;
  status: JourneyStatus;
  /** The latest version (the one edited); equal to publishedVersion unless there are unpublished changes. */
  version: number;
  publishedVersion: number | null;
  hasUnpublishedChanges: boolean;
  /** Changes with every change of the journey (edit, publish, pause...); sent as the ETag. */
  revision: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
}

/** The exits of a node, in the order the console shows them. */
export function exitsOf(node: JourneyNode): string[] {
  switch (node.type) {
    case 'webhook':
      return [DEFAULT_EXIT, NO_ID_EXIT];
    case 'wait':
      return [DEFAULT_EXIT];
    case 'split':
      return node.groups.map((g) => g.name);
    case 'judgment':
      return [...node.results, OTHER_EXIT];
    case 'end':
      return [];
  }
}

const MINUTE = 60_000;

/** When a wait that starts at `from` ends. */
export function waitEnd(wait: WaitSpec, from: number): number {
  if ('minutes' in wait) return from + wait.minutes * MINUTE;
  if ('hours' in wait) return from + wait.hours * 60 * MINUTE;
  if ('days' in wait) return from + wait.days * 24 * 60 * MINUTE;
  return Date.parse(wait.until);
}
