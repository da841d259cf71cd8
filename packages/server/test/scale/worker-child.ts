/**
 * One delivery worker in a process of its own, for the scale tests: the Dispatcher and the TaskRunner
 * with short leases (so takeovers after a SIGKILL happen in seconds, not the production 30/60 s).
 * `node --import tsx worker-child.ts`. Environment: CHILD_DB (postgres:// URL), CHILD_MASTER_KEY (hex),
 * CHILD_WORKER_ID, CHILD_LEASE_MS (batches), CHILD_TASK_LEASE_MS (tasks). SIGTERM stops it gracefully, as `hookreach start` does, and exits 0.
 */
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { createOutboundAgent } from '../../src/outbound/agent.js';
import { createSecretBox } from '../../src/secrets/secret-box.js';
import { systemClock } from '../../src/shared/clock.js';
import { openStore } from '../../src/store/database.js';
import { TaskRunner } from '../../src/tasks/task-runner.js';

const env = process.env;
const workerId = env.CHILD_WORKER_ID!;
const leaseMs = Number(env.CHILD_LEASE_MS);
const taskLeaseMs = Number(env.CHILD_TASK_LEASE_MS);
const store = openStore({ databaseUrl: env.CHILD_DB!, poolSize: 4 });
const config = loadConfig({ HOOKREACH_DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent', HOOKREACH_ALLOW_NETWORKS: '127.0.0.1/32' });
const outbound = createOutboundAgent({ allowNetworks: config.allowNetworks });
const ctx: AppContext = { config, store, clock: systemClock, secrets: createSecretBox(Buffer.from(env.CHILD_MASTER_KEY!, 'hex')), outbound, metrics: new Metrics(store, systemClock) };
// Errors go to stderr, which the test prints when it fails; warnings (lease takeovers) are expected here.
const log = { error: (o: object, m: string) => console.error(m, o), warn: () => {} };
const dispatcher = new Dispatcher({ ctx, workerId, leaseMs, pollIntervalMs: 100, log });
const runner = new TaskRunner({ ctx, runnerId: workerId, leaseMs: taskLeaseMs, pollIntervalMs: 100, log });

process.once('SIGTERM', () => {
  void (async () => {
    await runner.stop();
    await dispatcher.stop();
    await outbound.close();
    await store.close();
    process.exit(0);
  })();
});

dispatcher.start();
runner.start();
console.log('started');
