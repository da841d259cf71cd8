import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../support/server-process.js';

const BIN = fileURLToPath(new URL('../../bin/hookreach.js', import.meta.url));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-cli-'));
const env = { ...process.env, HOOKREACH_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '', HOOKREACH_ADMIN_TOKEN: '' };

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Starts `hookreach start` and resolves with its port and everything it printed up to listening. */
function start(): Promise<ServerProcess> {
  return spawnServer([BIN, 'start'], env);
}

// Every test starts Node processes that load TypeScript through tsx: seconds each on a loaded CI machine.
describe('the hookreach CLI', { timeout: 90_000 }, () => {
  it('prints help for itself and each command', () => {
    for (const args of [['--help'], ['start', '--help'], ['migrate', '--help']]) {
      const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Usage: hookreach');
      expect(result.stdout).toContain('HOOKREACH_DATA_DIR');
    }
  });

  it('migrates an empty data directory, then reports it up to date', () => {
    const first = spawnSync(process.execPath, [BIN, 'migrate'], { env, encoding: 'utf8' });
    expect(first.stdout).toContain('Applied: 0001-configuration, 0002-delivery');
    const second = spawnSync(process.execPath, [BIN, 'migrate'], { env, encoding: 'utf8' });
    expect(second.stdout).toContain('up to date');
    expect(fs.existsSync(path.join(dataDir, 'hookreach.sqlite'))).toBe(true);
  });

  it('starts on SQLite, prints the admin token once, serves the API with it, and stops on SIGTERM', async () => {
    const first = await start();
    const token = /\s(hrk_[A-Za-z0-9_-]+)\s/.exec(first.output())?.[1];
    expect(token).toBeDefined();
    const ok = await fetch(`http://127.0.0.1:${first.port}/api/v1/id-types`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const denied = await fetch(`http://127.0.0.1:${first.port}/api/v1/id-types`);
    expect(denied.status).toBe(401);
    const logged = first.output().split('\n').filter((l) => l.startsWith('{')).join('\n');
    expect(logged).not.toContain(token!);
    expect(await first.stop()).toBe(0);

    const second = await start();
    expect(second.output()).not.toMatch(/hrk_/);
    const stillOk = await fetch(`http://127.0.0.1:${second.port}/api/v1/id-types`, { headers: { authorization: `Bearer ${token}` } });
    expect(stillOk.status).toBe(200);
    expect(await second.stop()).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'secret.key'))).toBe(true);
  });

  it('refuses to start with an invalid environment, saying why', () => {
    const result = spawnSync(process.execPath, [BIN, 'start'], { env: { ...env, PORT: 'x' }, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT must be an integer');
  });
});
