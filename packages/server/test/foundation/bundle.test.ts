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

describe('the bundled demo', { timeout: 120_000 }, () => {
  it('sends its task from the bundle, then a task of two pages, the second built on the bundled page thread', async () => {
    const { flags } = npmStartCommand();
    const outfile = path.join(out, 'hookreach.mjs');
    if (!fs.existsSync(outfile)) await bundleServer({ outfile });
    const env = { ...process.env, HOOKREACH_DATA_DIR: path.join(work, 'demo'), PORT: '0', LOG_LEVEL: 'info', DATABASE_URL: '', HOOKREACH_ADMIN_TOKEN: '', NODE_OPTIONS: '' };
    const server = await spawnServer([...flags, outfile, 'demo', '--receiver-port', '0'], env);
    try {
      type Details = { task?: { status: string; webhookId: string; params: Record<string, string> }; stats?: { audienceSize: number; succeeded: number } };
      let token = '';
      const call = async (method: string, url: string, body?: unknown, type = 'application/json') => {
        const res = await fetch(`http://127.0.0.1:${server.port}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
        return (await res.json()) as Record<string, unknown>;
      };
      const finished = async (url: string): Promise<Details> => {
        const deadline = Date.now() + 60_000;
        let details: Details = {};
        while (Date.now() < deadline && details.task?.status !== 'finished') {
          await new Promise((resolve) => setTimeout(resolve, 250));
          details = (await call('GET', url)) as Details;
        }
        return details;
      };
      // The summary names the configured port (0 here): the path is taken from it, the port from the listening log.
      let shown: RegExpExecArray | null = null;
      for (const deadline = Date.now() + 30_000; !shown && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 250))) {
        shown = /Bearer (\S+)" http:\/\/\S+?(\/api\/v1\/tasks\/\S+)/.exec(server.output());
      }
      expect(shown, server.output()).not.toBeNull();
      token = shown![1]!;
      const demo = await finished(shown![2]!);
      expect(demo.task?.status, server.output()).toBe('finished');
      expect(demo.stats!.succeeded).toBe(demo.stats!.audienceSize);

      // 2,500 users: the runner builds the first page of 2,000 on the event loop and the second on the thread.
      const audience = await call('POST', '/api/v1/audiences', { name: 'Two pages' });
      let csv = 'customer_id,OPEN_ID,name,city\n';
      for (let i = 0; i < 2_500; i++) csv += `p${i},open-p${i},User ${i},Hangzhou\n`;
      expect(await call('POST', `/api/v1/audiences/${String(audience.id)}/import`, csv, 'text/csv')).toMatchObject({ imported: 2_500 });
      const task = await call('POST', '/api/v1/tasks', {
        name: 'Two pages', audienceId: audience.id, webhookId: demo.task!.webhookId, idType: 'OPEN_ID', batchSize: 100,
        params: demo.task!.params, missingVariable: 'skip', schedule: { type: 'now' },
      });
      const twoPages = await finished(`/api/v1/tasks/${String(task.id)}`);
      expect(twoPages.task?.status, server.output()).toBe('finished');
      expect(twoPages.stats!.succeeded).toBe(2_500);
      expect(server.output()).not.toMatch(/page thread failed/);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

const words = (relative: string) => relative.split('/');
