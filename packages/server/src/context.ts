import type { Metrics } from './metrics/metrics.js';
import type { Dispatcher } from 'undici';
import type { Config } from './config.js';
import type { SecretBox } from './secrets/secret-box.js';
import type { Clock } from './shared/clock.js';
import type { Store } from './store/database.js';

/** What every feature's routes and use cases are given: the store, secrets, clock, configuration and outbound pool. */
export interface AppContext {
  config: Config;
  store: Store;
  secrets: SecretBox;
  clock: Clock;
  /** The SSRF-guarded keep-alive pool every outbound call goes through. */
  outbound: Dispatcher;
  /** This process's Prometheus metrics (GET /metrics). */
  metrics: Metrics;
}
