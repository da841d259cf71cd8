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
    expect(fs.existsSync(path.join(out, 'task-page-thread.mjs'))).toBe(true);
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

describe('the bundled demo', { timeout: 90_000 }, () => {
  it('sends its task from the bundle, pages built on the bundled page thread, until every user succeeded', async () => {
    const { flags } = npmStartCommand();
    const outfile = path.join(out, 'hookreach.mjs');
    if (!fs.existsSync(outfile)) await bundleServer({ outfile });
    const env = { ...process.env, HOOKREACH_DATA_DIR: path.join(work, 'demo'), PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '', HOOKREACH_ADMIN_TOKEN: '', NODE_OPTIONS: '' };
    const server = await spawnServer([...flags, outfile, 'demo', '--receiver-port', '0'], env);
    try {
      const deadline = Date.now() + 60_000;
      let details: { task?: { status: string }; stats?: { audienceSize: number; succeeded: number } } = {};
      while (Date.now() < deadline && details.task?.status !== 'finished') {
        await new Promise((resolve) => setTimeout(resolve, 250));
        // The summary names the configured port (0 here): the path is taken from it, the port from the listening log.
        const shown = /Bearer (\S+)" http:\/\/\S+?(\/api\/v1\/tasks\/\S+)/.exec(server.output());
        if (shown) details = await (await fetch(`http://127.0.0.1:${server.port}${shown[2]}`, { headers: { authorization: `Bearer ${shown[1]}` } })).json() as typeof details;
      }
      expect(details.task?.status, server.output()).toBe('finished');
      expect(details.stats!.succeeded).toBe(details.stats!.audienceSize);
      expect(server.output()).not.toMatch(/task page thread/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

const words = (relative: string) => relative.split('/');
