import type { FastifyInstance } from 'fastify';
import { bootstrap } from './access/bootstrap.js';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { createOutboundAgent } from './outbound/agent.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { createSecretBox, loadMasterKey } from './secrets/secret-box.js';
import { systemClock } from './shared/clock.js';
import { openStore, type Store } from './store/database.js';
import { RetentionSweeper } from './retention/retention-sweeper.js';
import { migrateToLatest } from './store/migrate.js';
import path from 'node:path';

/** Opens the store the configuration names (PostgreSQL or SQLite under the data directory). */
export function openConfiguredStore(config: Config): Store {
  return openStore({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'hookreach.sqlite') });
}

/** Logger settings: JSON lines, with anything that could hold a secret redacted. */
export function loggerOptions(config: Config) {
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.key', '*.token'], censor: '[redacted]' },
  };
}

/** Starts Hookreach: migrate, bootstrap the admin, serve HTTP, then run the delivery engine (unless HOOKREACH_DELIVERY=off). Resolves once listening. */
export async function startServer(config: Config, print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<FastifyInstance> {
  const store = openConfiguredStore(config);
  await migrateToLatest(store);
  const generatedToken = await bootstrap(store, systemClock, config.adminToken);
  if (generatedToken) {
    print('\n  The built-in administrator\'s API token (shown once; it is stored hashed):');
    print(`\n    ${generatedToken}\n`);
  }
  const ctx: AppContext = {
    config,
    store,
    clock: systemClock,
    secrets: createSecretBox(loadMasterKey(config.secretKey, config.dataDir)),
    outbound: createOutboundAgent({ allowNetworks: config.allowNetworks }),
  };
  const app = await buildApp(ctx, { logger: loggerOptions(config) });
  const dispatcher = config.delivery.enabled ? new Dispatcher({ ctx, log: app.log }) : undefined;
  const sweeper = new RetentionSweeper(ctx, app.log);
  app.addHook('onClose', async () => {
    // In-flight sends finish (or are released) before the pool and the store they need go away.
    await dispatcher?.stop();
    await sweeper.stop();
    await ctx.outbound.close();
    await store.close();
  });
  await app.listen({ host: config.host, port: config.port });
  dispatcher?.start();
  sweeper.start();
  return app;
}
