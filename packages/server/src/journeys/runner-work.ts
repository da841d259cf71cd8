import type { AppContext } from '../context.js';
import type { EntryPages } from './enter-audience.js';
import type { GraphCache } from './graph-cache.js';

/** What each step of a runner round is given. */
export interface RunnerWork {
  ctx: AppContext;
  /** The round's time (ctx.clock when it started). */
  now: number;
  /** The runner's id, as lease owner. */
  owner: string;
  leaseMs: number;
  graphs: GraphCache;
  /** Where audience entry pages are built (and built ahead). */
  entryPages: EntryPages;
}
