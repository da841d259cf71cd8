import { DEFAULT_EXIT, type JourneyDefinition, type JourneyNode } from './model.js';

/** A validated definition, indexed for the engine: nodes by id and where each exit leads. */
export interface JourneyGraph {
  definition: JourneyDefinition;
  entryNodeId: string;
  node(id: string): JourneyNode | undefined;
  /** The node an exit leads to; undefined for an end node (or a node the version does not have). */
  next(fromId: string, exit: string): string | undefined;
}

/** Indexes a definition that passed validation (one entry node, every exit connected). */
export function compileGraph(definition: JourneyDefinition): JourneyGraph {
  const nodes = new Map(definition.nodes.map((n) => [n.id, n]));
  const edges = new Map(definition.edges.map((e) => [`${e.from}\u0000${e.exit ?? DEFAULT_EXIT}`, e.to]));
  const targets = new Set(definition.edges.map((e) => e.to));
  const entry = definition.nodes.find((n) => !targets.has(n.id));
  if (!entry) throw new Error('a journey definition without an entry node was stored');
  return {
    definition,
    entryNodeId: entry.id,
    node: (id) => nodes.get(id),
    next: (fromId, exit) => edges.get(`${fromId}\u0000${exit}`),
  };
}
