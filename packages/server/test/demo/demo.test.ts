import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEMO } from '../../src/demo/create-demo.js';
import { runDemo, type RunningDemo } from '../../src/demo/run-demo.js';

/** Polls `read` until `done` holds, for at most `ms` (the demo runs on real time: the receiver reports after a second). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('hookreach demo', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-demo-'));
  let running: RunningDemo | undefined;
  afterAll(async () => {
    await running?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sets up an audience, a webhook, the receiver and a task, and the whole loop runs, receipts included', async () => {
    const config = loadConfig({ HOOKREACH_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', HOOKREACH_POLL_INTERVAL_MS: '100' });
    const printed: string[] = [];
    running = await runDemo(config, 0, (line) => printed.push(line));
    expect(running.demo.taskCreated).toBe(true);
    const { app, token, demo } = running;
    const get = async (url: string) => (await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).json();

    const receiptCount = (d: { stats?: { receipts?: { count: number }[] } }) => (d.stats?.receipts ?? []).reduce((n, r) => n + r.count, 0);
    const details = await until(() => get(`/api/v1/tasks/${demo.taskId}`), (d) => d.task?.status === 'finished' && receiptCount(d) === DEMO.users);
    expect(details.task.status).toBe('finished');
    expect(details.stats).toMatchObject({ audienceSize: DEMO.users, succeeded: DEMO.users, failed: 0 });
    const receipts = details.stats.receipts as { status: string; count: number }[];
    expect(receipts.reduce((n, r) => n + r.count, 0)).toBe(DEMO.users);
    expect(receipts.map((r) => r.status).sort()).toEqual(expect.arrayContaining(['200']));

    // Every recipient is listed with its delivery and receipt status.
    const recipients = await get(`/api/v1/tasks/${demo.taskId}/recipients?limit=5`);
    expect(recipients.items.length).toBe(5);

    // Running it again reuses everything and sends nothing twice.
    const again = await (await import('../../src/demo/create-demo.js')).createDemo(app, token, { url: 'http://127.0.0.1:9/unused', key: 'x' });
    expect(again).toEqual({ ...demo, taskCreated: false });
  }, 120_000);
});
