import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { createOutboundAgent } from '../../src/outbound/agent.js';
import { createSecretBox } from '../../src/secrets/secret-box.js';
import { manualClock } from '../../src/shared/clock.js';
import { openStore, type Store } from '../../src/store/database.js';

/** An app (no store use: only static and 404 paths are called) serving the console from `consoleDir`. */
async function appWith(consoleDir: string): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const config = loadConfig({ HOOKREACH_DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent' });
  const store: Store = openStore({ sqliteFile: ':memory:' });
  const outbound = createOutboundAgent({ allowNetworks: [] });
  const clock = manualClock();
  const app = await buildApp({ config, store, clock, secrets: createSecretBox(randomBytes(32)), outbound, metrics: new Metrics(store, clock) }, { consoleDir });
  await app.ready();
  return { app, close: async () => { await app.close(); await outbound.close(); await store.close(); } };
}

describe('Console: served at / with a fallback for client routes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-console-'));
  let built: Awaited<ReturnType<typeof appWith>>;
  let missing: Awaited<ReturnType<typeof appWith>>;

  beforeAll(async () => {
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console index</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'main-abc123.js'), 'console.log("app")');
    built = await appWith(dir);
    missing = await appWith(path.join(dir, 'nope'));
  });
  afterAll(async () => {
    await built?.close();
    await missing?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and for client routes, uncached', async () => {
    for (const url of ['/', '/webhooks', '/parameters/par_1?x=1', '/access/members']) {
      const res = await built.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('console index');
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('serves hashed assets as immutable, and a missing asset as a 404 (not the page)', async () => {
    const asset = await built.app.inject({ method: 'GET', url: '/assets/main-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log("app")');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    const gone = await built.app.inject({ method: 'GET', url: '/assets/old-999.js' });
    expect(gone.statusCode).toBe(404);
    expect(gone.body).not.toContain('console index');
  });

  it('never answers the console for the API, the receipts endpoint or the probes', async () => {
    for (const url of ['/api/v1/nope', '/api/nope', '/restapi/nope', '/healthz/x', '/readyz/x']) {
      const res = await built.app.inject({ method: 'GET', url, headers: { authorization: 'Bearer x' } });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('ROUTE_NOT_FOUND');
    }
    expect((await built.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('does not serve files outside the build', async () => {
    fs.writeFileSync(path.join(os.tmpdir(), 'hookreach-secret.txt'), 'TOP-SECRET-CONTENT');
    for (const url of ['/..%2fhookreach-secret.txt', '/assets/..%2f..%2fhookreach-secret.txt']) {
      const res = await built.app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('TOP-SECRET-CONTENT');
    }
  });

  it('starts without a build: the API works and / says how to build', async () => {
    const res = await missing.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('npm run build:console');
    expect((await missing.app.inject({ method: 'GET', url: '/webhooks' })).body).toContain('not built');
    expect((await missing.app.inject({ method: 'GET', url: '/api/openapi.json' })).statusCode).toBe(200);
  });
});
