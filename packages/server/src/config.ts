import path from 'node:path';

/** Everything Hookreach reads from the environment, typed and validated once at start. */
export interface Config {
  /** What this process runs: the API, the workers (delivery, task and journey runners, retention), or both. */
  role: Role;
  host: string;
  port: number;
  /** Directory for the embedded SQLite database and the generated master key. */
  dataDir: string;
  /** `postgres://...` to use PostgreSQL; unset means embedded SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Connections this process keeps to PostgreSQL (HOOKREACH_DB_POOL). */
  databasePoolSize: number;
  /**
   * How far V8 lets the heap grow past what survived the last full collection, in percent
   * (HOOKREACH_HEAP_GROWTH_PERCENT); 0 keeps V8's own choice. Not a ceiling: the heap still grows
   * as far as the live data needs.
   */
  heapGrowthPercent: number;
  /** The built-in admin's API token at first start; generated and printed once when unset. */
  adminToken: string | undefined;
  /** 32-byte AES-256-GCM master key (base64 or hex); generated into `dataDir` when unset. */
  secretKey: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /** Upper bound for a call to a parameter's interface, in milliseconds. */
  interfaceTimeoutMs: number;
  /** CIDR ranges the SSRF guard lets outbound calls reach although they are private (HOOKREACH_ALLOW_NETWORKS). */
  allowNetworks: string[];
  delivery: DeliveryConfig;
  receipts: ReceiptsConfig;
  audiences: AudiencesConfig;
  retention: RetentionConfig;
}

/** How long stored history is kept before the retention sweeper purges it; null keeps it forever. */
export interface RetentionConfig {
  /** Bodies of finished batches (HOOKREACH_RETAIN_PAYLOADS, default 7d). */
  payloadsMs: number | null;
  /** Delivery attempts and test sends with their logs (HOOKREACH_RETAIN_LOGS, default 30d). */
  logsMs: number | null;
  /** Stored receipts (HOOKREACH_RETAIN_RECEIPTS, default 90d). */
  receiptsMs: number | null;
  /** How often a process sweeps (HOOKREACH_RETENTION_INTERVAL, default 1m). */
  sweepIntervalMs: number;
}

/** `all` (one process does everything), `api` (HTTP only) or `worker` (delivery and schedules; HTTP for health and metrics only). */
export type Role = 'all' | 'api' | 'worker';
export const ROLES: readonly Role[] = ['all', 'api', 'worker'];

/** How audience imports are accepted. */
export interface AudiencesConfig {
  /** Largest accepted import upload in bytes (streamed, never held in memory; HOOKREACH_IMPORT_LIMIT). */
  importLimit: number;
}

/** How the delivery engine sends and retries. */
export interface DeliveryConfig {
  /** Whether this process runs the delivery engine (the API always runs). */
  enabled: boolean;
  /** Requests in flight at once in this process, across all webhooks. */
  concurrency: number;
  /** Delays before each retry, in milliseconds; its length + 1 is the attempt limit. */
  retryScheduleMs: number[];
  /** ± fraction of random jitter applied to each retry delay. */
  retryJitter: number;
  /** How often an idle dispatcher looks for due batches, in milliseconds. */
  pollIntervalMs: number;
}

/** How the receipts endpoint checks reports. */
export interface ReceiptsConfig {
  /** Largest accepted distance between a report's timestamp and now, in seconds. */
  timestampWindowSeconds: number;
  /** Largest receipt report body, in bytes. */
  bodyLimit: number;
}

/** Svix/Hook0-like exponential schedule, shortened for marketing: about 7.7 hours over 9 attempts. */
export const DEFAULT_RETRY_SCHEDULE = '5s,30s,2m,10m,30m,1h,2h,4h';

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "5s,30s,2m" into milliseconds; undefined when malformed. */
export function parseSchedule(text: string): number[] | undefined {
  if (text.trim() === '') return [];
  const result: number[] = [];
  for (const part of text.split(',')) {
    const match = DURATION.exec(part.trim());
    if (!match) return undefined;
    result.push(Number(match[1]) * UNIT_MS[match[2]!]!);
  }
  return result.length <= 30 ? result : undefined;
}

const CIDR = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:.]+)\/\d{1,3}$/;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Thrown at start when the environment is invalid; lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

function schedule(text: string, problems: string[]): number[] {
  const parsed = parseSchedule(text);
  if (parsed === undefined) problems.push('HOOKREACH_RETRY_SCHEDULE must be a comma-separated list of at most 30 durations such as 5s,2m,1h');
  return parsed ?? [];
}

/** One duration such as 30s, 12h or 7d (or "off" when `off` is allowed, read as null). */
function duration(env: NodeJS.ProcessEnv, name: string, fallback: string, problems: string[], off: boolean): number | null {
  const text = (env[name] || fallback).trim();
  if (off && text === 'off') return null;
  const parsed = parseSchedule(text);
  if (parsed === undefined || parsed.length !== 1 || parsed[0]! <= 0) {
    problems.push(`${name} must be one duration such as 30s, 12h or 7d${off ? ', or off' : ''} (got "${text}")`);
    return null;
  }
  return parsed[0]!;
}

function networks(text: string | undefined, problems: string[]): string[] {
  const list = (text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const cidr of list) if (!CIDR.test(cidr)) problems.push(`HOOKREACH_ALLOW_NETWORKS: "${cidr}" is not a CIDR range such as 127.0.0.1/32`);
  return list;
}

/** Reads and validates the configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const adminToken = env.HOOKREACH_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && (adminToken.length < 16 || adminToken.length > 200 || /\s/.test(adminToken))) {
    problems.push('HOOKREACH_ADMIN_TOKEN must be 16..200 characters without whitespace');
  }
  const role = (env.HOOKREACH_ROLE || 'all') as Role;
  if (!ROLES.includes(role)) problems.push(`HOOKREACH_ROLE must be one of ${ROLES.join(', ')}`);
  const config: Config = {
    role,
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 8080, 0, 65535, problems),
    dataDir: path.resolve(cwd, env.HOOKREACH_DATA_DIR || 'data'),
    databaseUrl,
    databasePoolSize: integer(env, 'HOOKREACH_DB_POOL', 10, 1, 1000, problems),
    heapGrowthPercent: integer(env, 'HOOKREACH_HEAP_GROWTH_PERCENT', 50, 0, 1000, problems),
    adminToken,
    secretKey: env.HOOKREACH_SECRET_KEY || undefined,
    logLevel,
    bodyLimit: integer(env, 'HOOKREACH_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024, problems),
    interfaceTimeoutMs: integer(env, 'HOOKREACH_INTERFACE_TIMEOUT_MS', 10_000, 100, 10_000, problems),
    allowNetworks: networks(env.HOOKREACH_ALLOW_NETWORKS, problems),
    delivery: {
      enabled: env.HOOKREACH_DELIVERY !== 'off',
      concurrency: integer(env, 'HOOKREACH_DELIVERY_CONCURRENCY', 64, 1, 1024, problems),
      retryScheduleMs: schedule(env.HOOKREACH_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE, problems),
      retryJitter: 0.2,
      pollIntervalMs: integer(env, 'HOOKREACH_POLL_INTERVAL_MS', 500, 10, 60_000, problems),
    },
    receipts: {
      timestampWindowSeconds: integer(env, 'HOOKREACH_RECEIPT_WINDOW_SECONDS', 300, 10, 86_400, problems),
      bodyLimit: integer(env, 'HOOKREACH_RECEIPT_BODY_LIMIT', 16 * 1024 * 1024, 1024, 64 * 1024 * 1024, problems),
    },
    audiences: {
      importLimit: integer(env, 'HOOKREACH_IMPORT_LIMIT', 2 * 1024 ** 3, 1024, 64 * 1024 ** 3, problems),
    },
    retention: {
      payloadsMs: duration(env, 'HOOKREACH_RETAIN_PAYLOADS', '7d', problems, true),
      logsMs: duration(env, 'HOOKREACH_RETAIN_LOGS', '30d', problems, true),
      receiptsMs: duration(env, 'HOOKREACH_RETAIN_RECEIPTS', '90d', problems, true),
      sweepIntervalMs: duration(env, 'HOOKREACH_RETENTION_INTERVAL', '1m', problems, false) ?? 60_000,
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
