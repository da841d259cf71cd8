import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { bootstrap } from '../../src/access/bootstrap.js';
import { Metrics } from '../../src/metrics/metrics.js';
import { buildApp, type AppOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { createOutboundAgent } from '../../src/outbound/agent.js';
import { createSecretBox } from '../../src/secrets/secret-box.js';
import { manualClock } from '../../src/shared/clock.js';
import type { Dialect } from '../../src/store/dialect.js';
import { createTestStore } from './dialects.js';

export const ADMIN_TOKEN = 'hrk_test_admin_token_0123456789';

/** A running application on a fresh store of one dialect, driven through Fastify's inject. */
export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  clock: ReturnType<typeof manualClock>;
  /** Sends a request as the admin (or with `token`), JSON by default. */
  request(method: InjectOptions['method'], url: string, body?: unknown, token?: string | null): Promise<LightMyRequestResponse>;
}

/** Builds a TestApp before the block's tests and tears it down after them (SQLite in memory unless `store.onDisk`). */
export function useTestApp(dialect: Dialect, env: NodeJS.ProcessEnv = {}, options: AppOptions = {}, storeOptions: { onDisk?: boolean } = {}): () => TestApp {
  let current: (TestApp & { dispose(): Promise<void> }) | undefined;
  beforeAll(async () => {
    const { store, dispose } = await createTestStore(dialect, storeOptions);
    const clock = manualClock();
    await bootstrap(store, clock, ADMIN_TOKEN);
    // Test servers listen on loopback, which the SSRF guard refuses unless allowed.
    const config = loadConfig({ HOOKREACH_DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent', HOOKREACH_ALLOW_NETWORKS: '127.0.0.0/8', ...env });
    const outbound = createOutboundAgent({ allowNetworks: config.allowNetworks });
    const ctx: AppContext = { config, store, clock, secrets: createSecretBox(randomBytes(32)), outbound, metrics: new Metrics(store, clock) };
    const app = await buildApp(ctx, options);
    await app.ready();
    current = {
      app,
      ctx,
      clock,
      request(method, url, body, token = ADMIN_TOKEN) {
        const headers: Record<string, string> = {};
        if (token !== null) headers.authorization = `Bearer ${token}`;
        return app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
      },
      async dispose() {
        await app.close();
        await outbound.close();
        await dispose();
      },
    };
  });
  afterAll(async () => {
    await current?.dispose();
  });
  return () => {
    if (!current) throw new Error('test app not ready');
    return current;
  };
}

/** A parsed JSON answer. */
export type Parsed = ReturnType<typeof JSON.parse>;

/** Fails the test with the body unless the answer has `status`; returns its JSON. */
export function expectStatus(res: LightMyRequestResponse, status: number): Parsed {
  expect(res.statusCode, res.body).toBe(status);
  return res.body === '' ? undefined : res.json();
}
