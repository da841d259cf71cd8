import type { Config } from './config.js';
import type { SecretBox } from './secrets/secret-box.js';
import type { Clock } from './shared/clock.js';
import type { Store } from './store/database.js';

/** What every feature's routes and use cases are given: the store, secrets, clock and configuration. */
export interface AppContext {
  config: Config;
  store: Store;
  secrets: SecretBox;
  clock: Clock;
}
