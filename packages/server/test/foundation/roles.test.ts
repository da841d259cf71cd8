import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { enqueueBatches } from '../../src/delivery/enqueue.js';
import { startServer } from '../../src/server.js';

const TOKEN = 'hrk_roles_test_admin_token_01';

describe('start --role', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-roles-'));
  const apps: FastifyInstance[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const start = async (role: string) => {
    const app = await startServer(loadConfig({ HOOKREACH_DATA_DIR: path.join(dataDir, role), PORT: '0', LOG_LEVEL: 'silent', HOOKREACH_ROLE: role, HOOKREACH_ADMIN_TOKEN: TOKEN }), () => {});
    apps.push(app);
    return app;
  };
  const get = (app: FastifyInstance, url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } });

  it('worker: health, readiness and metrics over HTTP, nothing else', async () => {
    const app = await start('worker');
    expect(app.hookreach.config.role).toBe('worker');
    expect((await get(app, '/healthz')).statusCode).toBe(200);
    expect((await get(app, '/readyz')).statusCode).toBe(200);
    expect((await get(app, '/metrics')).body).toContain('hookreach_delivery_queue_depth');
    expect((await get(app, '/api/v1/webhooks')).statusCode).toBe(404);
    expect((await get(app, '/api/openapi.json')).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/restapi/marketing2/webhook/receiveWebHookCallBack?timestamp=1&nonce=a', payload: [] })).statusCode).toBe(404);
  });

  it('api: the whole API, and no delivery engine (a due batch stays pending)', async () => {
    const app = await start('api');
    expect((await get(app, '/api/v1/webhooks')).statusCode).toBe(200);
    expect((await get(app, '/metrics')).statusCode).toBe(200);
    const webhook = await app.inject({
      method: 'POST', url: '/api/v1/webhooks', headers: { authorization: `Bearer ${TOKEN}` },
      payload: { name: 'Nowhere', authMethod: 'none', url: 'http://127.0.0.1:9/hook', idTypes: ['OPEN_ID'] },
    });
    expect(webhook.statusCode, webhook.body).toBe(201);
    const [batch] = await enqueueBatches(app.hookreach, {
      workspaceId: 'ws_default', webhookId: webhook.json().id, runKind: 'task', taskId: 'task_roles',
      batches: [[{ user_profile: { target_type: 'OPEN_ID', target_id: 'o1', customer_id: 'c1' } }]],
    });
    // Longer than the engine's poll interval (500 ms) and its wake-up on enqueue: an engine would have claimed it.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const row = await app.hookreach.store.db.selectFrom('delivery_batches').select(['status', 'attempts']).where('id', '=', batch!.batchId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'pending', attempts: 0 });
  });

  it('refuses an unknown role at start, naming the variable', () => {
    expect(() => loadConfig({ HOOKREACH_ROLE: 'everything' }, '/tmp')).toThrow(/HOOKREACH_ROLE must be one of all, api, worker/);
  });
});
