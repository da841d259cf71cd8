import path from 'node:path';

/** Everything Hookreach reads from the environment, typed and validated once at start. */
export interface Config {
  host: string;
  port: number;
  /** Directory for the embedded SQLite database and the generated master key. */
  dataDir: string;
  /** `postgres://...` to use PostgreSQL; unset means embedded SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  /** The built-in admin's API token at first start; generated and printed once when unset. */
  adminToken: string | undefined;
  /** 32-byte AES-256-GCM master key (base64 or hex); generated into `dataDir` when unset. */
  secretKey: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /** Upper bound for a call to a parameter's interface, in milliseconds. */
  interfaceTimeoutMs: number;
}

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
  const config: Config = {
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 8080, 0, 65535, problems),
    dataDir: path.resolve(cwd, env.HOOKREACH_DATA_DIR || 'data'),
    databaseUrl,
    adminToken,
    secretKey: env.HOOKREACH_SECRET_KEY || undefined,
    logLevel,
    bodyLimit: integer(env, 'HOOKREACH_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024, problems),
    interfaceTimeoutMs: integer(env, 'HOOKREACH_INTERFACE_TIMEOUT_MS', 10_000, 100, 10_000, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
