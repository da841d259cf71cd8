import type { FastifyInstance } from 'fastify';
import { bootstrap } from './access/bootstrap.js';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { createOutboundAgent } from './outbound/agent.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { TaskRunner } from './tasks/task-runner.js';
import { JourneyRunner } from './journeys/journey-runner.js';
import { defaultPageSource } from './tasks/page-source.js';
import { createSecretBox, loadMasterKey } from './secrets/secret-box.js';
import { systemClock } from './shared/clock.js';
import { openStore, type Store } from './store/database.js';
import { Metrics } from './metrics/metrics.js';
import { RetentionSweeper } from './retention/retention-sweeper.js';
import { migrateToLatest } from './store/migrate.js';
import path from 'node:path';
import v8 from 'node:v8';

/** Opens the store the configuration names (PostgreSQL or SQLite under the data directory). */
export function openConfiguredStore(config: Config, onCheckpointError?: (message: string) => void): Store {
  return openStore({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'hookreach.sqlite'), poolSize: config.databasePoolSize, onCheckpointError });
}

/**
 * V8 grows the heap up to about four times what survived its last full collection; while a large
 * campaign allocates bodies at full speed that is mostly garbage, and it was the larger part of a
 * 390 MB peak RSS. A growth of 50% kept the peak near 276 MB for a few more collections (measured
 * in bench/campaigns.ts). A GC heuristic, read at every collection, so it can be set at run time.
 */
function limitHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** Logger settings: JSON lines, with anything that could hold a secret redacted. */
export function loggerOptions(config: Config) {
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.key', '*.token'], censor: '[redacted]' },
  };
}

/** How long a stopping process waits for in-flight sends (the longest request timeout plus a margin) before it exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 15_000;

/**
 * Starts Hookreach in its role (config.role): migrate, bootstrap the admin, serve HTTP (the whole
 * API and console for `all` and `api`; health and metrics for `worker`), and for `all` and `worker`
 * run the delivery engine, the task and journey runners (unless HOOKREACH_DELIVERY=off) and the
 * retention sweeper. Resolves once listening; `app.close()` stops it gracefully.
 */
export async function startServer(config: Config, print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<FastifyInstance> {
  limitHeapGrowth(config.heapGrowthPercent);
  // The logger exists once the app is built; a checkpoint error before that goes to stderr.
  let warn = (message: string): void => {
    process.stderr.write(`SQLite checkpoint thread: ${message}\n`);
  };
  const store = openConfiguredStore(config, (message) => warn(message));
  await migrateToLatest(store);
  const generatedToken = await bootstrap(store, systemClock, config.adminToken);
  if (generatedToken) {
    print('\n  The built-in administrator\'s API token (shown once; it is stored hashed):');
    print(`\n    ${generatedToken}\n`);
    print('  New here? `npx hookreach demo` sets up a demo audience, webhook, receiver and task.\n');
  }
  const ctx: AppContext = {
    config,
    store,
    clock: systemClock,
    secrets: createSecretBox(loadMasterKey(config.secretKey, config.dataDir)),
    outbound: createOutboundAgent({ allowNetworks: config.allowNetworks }),
    metrics: new Metrics(store, systemClock),
  };
  const app = await buildApp(ctx, { logger: loggerOptions(config), surface: config.role === 'worker' ? 'operations' : 'full' });
  warn = (message) => {
    app.log.warn({ error: message }, 'SQLite checkpoint thread failed; commits checkpoint by themselves');
  };
  const works = config.role !== 'api';
  const sends = works && config.delivery.enabled;
  const dispatcher = sends ? new Dispatcher({ ctx, log: app.log }) : undefined;
  if (dispatcher) ctx.metrics.watchCircuits(() => dispatcher.circuitStates());
  // Tasks and journeys feed the engine, so they run where it runs; another process picks up what a stopped one released.
  // One page thread reads and builds audience pages for both: a task's pages and a journey's audience entry.
  const pages = sends ? defaultPageSource(store, (error) => app.log.warn({ err: error }, 'the page thread failed; this page is built on the event loop')) : undefined;
  const taskRunner = sends ? new TaskRunner({ ctx, log: app.log, pages }) : undefined;
  const journeyRunner = sends ? new JourneyRunner({ ctx, log: app.log, pages }) : undefined;
  const sweeper = works ? new RetentionSweeper(ctx, app.log) : undefined;
  app.addHook('onClose', async () => {
    // Stop claiming first; in-flight sends finish (or are released) before the pool and the store they need go away.
    await taskRunner?.stop();
    await journeyRunner?.stop();
    await pages?.close();
    await dispatcher?.stop();
    await sweeper?.stop();
    await ctx.outbound.close();
    await store.close();
  });
  await app.listen({ host: config.host, port: config.port });
  dispatcher?.start();
  taskRunner?.start();
  journeyRunner?.start();
  sweeper?.start();
  return app;
}
