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

  it('limits the heap growth to 50% by default; HOOKREACH_HEAP_GROWTH_PERCENT changes it, 0 leaves V8 alone, a bad value is a problem', () => {
    expect(loadConfig({}, '/x').heapGrowthPercent).toBe(50);
    expect(loadConfig({ HOOKREACH_HEAP_GROWTH_PERCENT: '0' }, '/x').heapGrowthPercent).toBe(0);
    expect(loadConfig({ HOOKREACH_HEAP_GROWTH_PERCENT: '120' }, '/x').heapGrowthPercent).toBe(120);
    expect(() => loadConfig({ HOOKREACH_HEAP_GROWTH_PERCENT: '-5' }, '/x')).toThrow(/HOOKREACH_HEAP_GROWTH_PERCENT/);
  });
});
