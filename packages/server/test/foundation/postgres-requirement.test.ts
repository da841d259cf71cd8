import { afterEach, describe, expect, it, vi } from 'vitest';
import setup from '../support/global-setup.js';

const UNREACHABLE = 'postgres://postgres@127.0.0.1:1/test';

describe('the PostgreSQL half of the store tests', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  it('is skipped loudly when PostgreSQL is unreachable and not required', async () => {
    process.env.HOOKREACH_TEST_DATABASE_URL = UNREACHABLE;
    delete process.env.HOOKREACH_REQUIRE_POSTGRES;
    const provided: Record<string, unknown> = {};
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await setup({ provide: (key: string, value: unknown) => { provided[key] = value; } } as never);
    expect(provided.postgresUrl).toBeNull();
    expect(warn.mock.calls.join(' ')).toContain('PostgreSQL is NOT reachable');
  });

  it('fails the run when required (as in CI) and unreachable', async () => {
    process.env.HOOKREACH_TEST_DATABASE_URL = UNREACHABLE;
    process.env.HOOKREACH_REQUIRE_POSTGRES = '1';
    await expect(setup({ provide: () => {} } as never)).rejects.toThrow(/HOOKREACH_REQUIRE_POSTGRES=1/);
  });
});
