import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { compileGraph, type JourneyGraph } from './graph.js';
import { findDefinition } from './store.js';

/** Compiled graphs by journey and version. Instances only run published versions, which never change, so entries never go stale. */
export class GraphCache {
  private readonly graphs = new Map<string, Promise<JourneyGraph | undefined>>();

  constructor(private readonly db: Kysely<Database>) {}

  /** The graph of a journey version, or undefined if it does not exist. */
  get(journeyId: string, version: number): Promise<JourneyGraph | undefined> {
    const key = `${journeyId}@${version}`;
    let graph = this.graphs.get(key);
    if (!graph) {
      graph = findDefinition(this.db, journeyId, version).then((d) => (d === undefined ? undefined : compileGraph(d)));
      graph.catch(() => this.graphs.delete(key));
      this.graphs.set(key, graph);
    }
    return graph;
  }
}
