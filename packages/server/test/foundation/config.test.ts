import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('has defaults for a fresh clone: 127.0.0.1:8080, ./data, SQLite', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: '/srv/app/data', databaseUrl: undefined, interfaceTimeoutMs: 10_000 });
  });

  it('reads PORT, HOST, HOOKREACH_DATA_DIR and DATABASE_URL', () => {
    const config = loadConfig({ PORT: '9000', HOST: '0.0.0.0', HOOKREACH_DATA_DIR: '/var/hr', DATABASE_URL: 'postgres://db/hr' }, '/x');
    expect(config).toMatchObject({ port: 9000, host: '0.0.0.0', dataDir: '/var/hr', databaseUrl: 'postgres://db/hr' });
  });

  it('lists every problem at once', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', HOOKREACH_ADMIN_TOKEN: 'short' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toHaveLength(4);
    expect((caught as ConfigError).message).not.toContain('short');
  });
});
