/**
 * The delivery engine alone in a process, for the crash-restart test: `node --import tsx crash-child.ts`.
 * Environment: CHILD_DB (SQLite file or postgres:// URL), CHILD_MASTER_KEY (hex), CHILD_WORKER_ID,
 * CHILD_LEASE_MS, and CHILD_EXIT_WHEN_DONE=1 to stop and exit 0 once no batch is pending or sending.
 */
import { loadConfig } from '../../src/config.js';
import { Metrics } from '../../src/metrics/metrics.js';
import type { AppContext } from '../../src/context.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { createOutboundAgent } from '../../src/outbound/agent.js';
import { createSecretBox } from '../../src/secrets/secret-box.js';
import { systemClock } from '../../src/shared/clock.js';
import { openStore } from '../../src/store/database.js';

const env = process.env;
const db = env.CHILD_DB!;
const store = openStore(db.startsWith('postgres') ? { databaseUrl: db, poolSize: 4 } : { sqliteFile: db });
const config = loadConfig({ HOOKREACH_DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent', HOOKREACH_ALLOW_NETWORKS: '127.0.0.0/8', HOOKREACH_RETRY_SCHEDULE: '1s' });
const outbound = createOutboundAgent({ allowNetworks: config.allowNetworks });
const ctx: AppContext = { config, store, clock: systemClock, secrets: createSecretBox(Buffer.from(env.CHILD_MASTER_KEY!, 'hex')), outbound, metrics: new Metrics(store, systemClock) };
const dispatcher = new Dispatcher({
  ctx,
  workerId: env.CHILD_WORKER_ID!,
  leaseMs: Number(env.CHILD_LEASE_MS),
  pollIntervalMs: 50,
  log: { error: (o, m) => console.error(m, o), warn: () => {} },
});
dispatcher.start();
console.log('started');

if (env.CHILD_EXIT_WHEN_DONE === '1') {
  const timer = setInterval(async () => {
    const open = await store.db.selectFrom('delivery_batches').select('id').where('status', 'in', ['pending', 'sending']).limit(1).execute();
    if (open.length > 0) return;
    clearInterval(timer);
    await dispatcher.stop();
    await outbound.close();
    await store.close();
    process.exit(0);
  }, 100);
}
