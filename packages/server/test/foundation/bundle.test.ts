import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleServer, npmStartCommand } from '../../scripts/bundle-server.mjs';
import { spawnServer } from '../support/server-process.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-bundle-'));
// Inside the package, so node finds the dependencies the bundle leaves external; apart from the checkout's own bundle.
const out = path.join(fileURLToPath(new URL('../../dist/', import.meta.url)), `test-${process.pid}`);

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

describe('the bundled server (npm start)', { timeout: 90_000 }, () => {
  it('starts from its bundle with npm start\'s node flags, serves, and stops on SIGTERM', async () => {
    const { flags, bundle } = npmStartCommand();
    expect(words(bundle)).toEqual(['packages', 'server', 'dist', 'server', 'hookreach.mjs']);
    const outfile = await bundleServer({ outfile: path.join(out, 'hookreach.mjs') });
    expect(fs.existsSync(path.join(out, 'checkpoint-worker.cjs'))).toBe(true);
    const dataDir = path.join(work, 'data');
    const env = { ...process.env, HOOKREACH_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '', HOOKREACH_ADMIN_TOKEN: '', NODE_OPTIONS: '' };
    const server = await spawnServer([...flags, outfile, 'start'], env);
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(health.status).toBe(200);
    // Migrated its SQLite file, whose WAL the checkpoint worker (beside the bundle) keeps short.
    expect(fs.existsSync(path.join(dataDir, 'hookreach.sqlite'))).toBe(true);
    expect(await server.stop()).toBe(0);
    expect(server.output()).not.toMatch(/checkpoint.*(error|failed)/i);
  });
});

const words = (relative: string) => relative.split('/');
