import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { enqueueBatches } from '../../src/delivery/enqueue.js';
import { startServer } from '../../src/server.js';
import { systemClock } from '../../src/shared/clock.js';
import { openStore } from '../../src/store/database.js';
import { scriptedReceiver, users, WORKSPACE, type ScriptedReceiver } from './support.js';

const TOKEN = 'hrk_test_admin_token_0123456789';

/** Starts the real server on a fresh data directory; returns it with a way to enqueue into its database. */
async function serve(env: Record<string, string>): Promise<{ app: FastifyInstance; dataDir: string; base: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-server-'));
  const config = loadConfig({
    HOOKREACH_DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    HOOKREACH_ADMIN_TOKEN: TOKEN,
    HOOKREACH_ALLOW_NETWORKS: '127.0.0.0/8',
    HOOKREACH_POLL_INTERVAL_MS: '50',
    ...env,
  });
  const app = await startServer(config, () => {});
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, dataDir, base: `http://127.0.0.1:${port}` };
}

/** Creates a webhook through the server's API and enqueues one batch for it through a second connection to its database. */
async function webhookWithOneBatch(server: { dataDir: string; base: string }, url: string): Promise<string> {
  const res = await fetch(`${server.base}/api/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'CRM', authMethod: 'none', url, idTypes: ['OPEN_ID'] }),
  });
  expect(res.status).toBe(201);
  const webhookId = ((await res.json()) as { id: string }).id;
  const store = openStore({ sqliteFile: path.join(server.dataDir, 'hookreach.sqlite') });
  try {
    const ctx = { config: loadConfig({}), store, clock: systemClock } as AppContext;
    const [batch] = await enqueueBatches(ctx, { workspaceId: WORKSPACE, webhookId, runKind: 'task', taskId: 't', batches: [users(2)] });
    return batch!.batchId;
  } finally {
    await store.close();
  }
}

async function deliveryStatus(server: { base: string }, id: string): Promise<string> {
  const res = await fetch(`${server.base}/api/v1/deliveries/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return ((await res.json()) as { batch: { status: string } }).batch.status;
}

describe('startServer runs the delivery engine', () => {
  let receiver: ScriptedReceiver;
  const dirs: string[] = [];
  beforeAll(async () => {
    receiver = await scriptedReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends what another process enqueued (found by polling) and stops with the server', async () => {
    const server = await serve({});
    dirs.push(server.dataDir);
    try {
      const batchId = await webhookWithOneBatch(server, receiver.url);
      await expect.poll(() => deliveryStatus(server, batchId), { timeout: 2_000, interval: 20 }).toBe('succeeded');
    } finally {
      await server.app.close();
    }
  });

  it('leaves batches alone with HOOKREACH_DELIVERY=off', async () => {
    const server = await serve({ HOOKREACH_DELIVERY: 'off' });
    dirs.push(server.dataDir);
    try {
      const before = receiver.requests.length;
      const batchId = await webhookWithOneBatch(server, receiver.url);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await deliveryStatus(server, batchId)).toBe('pending');
      expect(receiver.requests.length).toBe(before);
    } finally {
      await server.app.close();
    }
  });
});
