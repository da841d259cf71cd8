/** Edges parameter → parameters it is associated with, as `parameter_references` holds them. */
export type ReferenceGraph = Map<string, string[]>;

/** Builds the graph from reference rows. */
export function toGraph(rows: readonly { parameter_id: string; referenced_id: string }[]): ReferenceGraph {
  const graph: ReferenceGraph = new Map();
  for (const row of rows) {
    const edges = graph.get(row.parameter_id);
    if (edges) edges.push(row.referenced_id);
    else graph.set(row.parameter_id, [row.referenced_id]);
  }
  return graph;
}

/** The shortest chain of ids from `from` to `to` following the edges (both ends included), or undefined. */
export function findPath(graph: ReferenceGraph, from: string, to: string): string[] | undefined {
  const previous = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    if (node === to) {
      const path: string[] = [];
      for (let at: string | null = node; at !== null; at = previous.get(at) ?? null) path.unshift(at);
      return path;
    }
    for (const next of graph.get(node) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}
