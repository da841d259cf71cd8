/** What the in-process benches (journey-cpu.ts, claim-cpu.ts) share: a server's context and app on a fresh file SQLite store, no network. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { bootstrap } from '../src/access/bootstrap.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { AppContext } from '../src/context.js';
import { Metrics } from '../src/metrics/metrics.js';
import { createOutboundAgent } from '../src/outbound/agent.js';
import { createSecretBox } from '../src/secrets/secret-box.js';
import { openConfiguredStore } from '../src/server.js';
import { systemClock } from '../src/shared/clock.js';
import { migrateToLatest } from '../src/store/migrate.js';

export interface InProcessServer {
  ctx: AppContext;
  app: FastifyInstance;
  /** An administrator's Bearer token. */
  token: string;
  /** Closes the app, the outbound agent and the store, and deletes the data directory. */
  close(): Promise<void>;
}

/** A migrated store in a new temporary directory (named after `name`), bootstrapped, with its app ready. */
export async function inProcessServer(name: string): Promise<InProcessServer> {
  const token = `hrk_bench_${randomBytes(12).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `hookreach-${name}-`));
  const config = loadConfig({ HOOKREACH_DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOOKREACH_ALLOW_NETWORKS: '127.0.0.0/8' });
  const store = openConfiguredStore(config);
  await migrateToLatest(store);
  await bootstrap(store, systemClock, token);
  const ctx: AppContext = { config, store, clock: systemClock, secrets: createSecretBox(randomBytes(32)), outbound: createOutboundAgent({ allowNetworks: config.allowNetworks }), metrics: new Metrics(store, systemClock) };
  const app = await buildApp(ctx, {});
  await app.ready();
  return {
    ctx, app, token,
    async close() {
      await app.close();
      await ctx.outbound.close();
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
