import type { FieldError, Schemas } from '../shared/api';

export type JourneyInput = Schemas['JourneyInput'];
export type JourneyNode = JourneyInput['nodes'][number];
export type NodeType = JourneyNode['type'];
export type JourneyEntry = JourneyInput['entry'];
export type Wait = NonNullable<JourneyNode['wait']>;
export type Journey = Schemas['Journey'];
export type JourneyDetail = Schemas['JourneyDetail'];
export type NodeStats = JourneyDetail['stats']['nodes'][number];

/** An edge as the canvas keeps it: the default exit is named `default` (the API leaves it out). */
export interface CanvasEdge {
  from: string;
  exit: string;
  to: string;
}

/** The journey being edited: the API's shape, edges with explicit exits. */
export interface Draft {
  name: string;
  entry: JourneyEntry;
  nodes: JourneyNode[];
  edges: CanvasEdge[];
}

export const DEFAULT_EXIT = 'default';
export const NODE_TYPES: NodeType[] = ['webhook', 'wait', 'split', 'judgment', 'end'];

/** A node's exits, as the API's validation counts them (each must be connected exactly once). */
export function exitsOf(node: JourneyNode): string[] {
  switch (node.type) {
    case 'webhook': return [DEFAULT_EXIT, 'noId'];
    case 'wait': return [DEFAULT_EXIT];
    case 'split': return (node.groups ?? []).map((g) => g.name);
    case 'judgment': return [...(node.results ?? []), 'other'];
    default: return [];
  }
}

/** The draft of a journey as the API answered it. */
export function draftOf(journey: Journey): Draft {
  const edges = (journey.edges as { from: string; exit?: string; to: string }[]).map((e) => ({ from: e.from, exit: e.exit ?? DEFAULT_EXIT, to: e.to }));
  return { name: journey.name, entry: journey.entry as JourneyEntry, nodes: journey.nodes as JourneyNode[], edges };
}

/** The PUT body of a draft (the default exit left out, as the document's shape writes it). */
export function inputOf(draft: Draft): JourneyInput {
  return {
    name: draft.name,
    entry: draft.entry,
    nodes: draft.nodes,
    edges: draft.edges.map((e) => (e.exit === DEFAULT_EXIT ? { from: e.from, to: e.to } : { from: e.from, exit: e.exit, to: e.to })),
  };
}

/** A node id not used yet: `<type>_<n>`. */
export function newNodeId(type: NodeType, nodes: JourneyNode[]): string {
  const used = new Set(nodes.map((n) => n.id));
  let n = 1;
  while (used.has(`${type}_${n}`)) n++;
  return `${type}_${n}`;
}

/** A new node of a type with starting values the configuration panel then completes. */
export function newNode(type: NodeType, id: string, name: string): JourneyNode {
  switch (type) {
    case 'webhook': return { id, type, name, params: {}, missingVariable: 'skip' };
    case 'wait': return { id, type, name, wait: { hours: 1 } };
    case 'split': return { id, type, name, groups: [{ name: 'A', percent: 50 }, { name: 'B', percent: 50 }] };
    case 'judgment': return { id, type, name, wait: { hours: 1 }, results: ['success'] };
    default: return { id, type, name };
  }
}

/**
 * Positions left to right by graph depth (shortest distance from the entry), since the API keeps
 * no positions: node fields are closed (`additionalProperties: false`), so a layout field would be refused.
 */
export function layout(nodes: JourneyNode[], edges: CanvasEdge[]): Record<string, { x: number; y: number }> {
  const incoming = new Set(edges.map((e) => e.to));
  const roots = nodes.filter((n) => !incoming.has(n.id)).map((n) => n.id);
  const depth = new Map<string, number>();
  const queue = roots.length > 0 ? roots : nodes.slice(0, 1).map((n) => n.id);
  for (const id of queue) depth.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const e of edges) {
      if (e.from === id && !depth.has(e.to)) {
        depth.set(e.to, depth.get(id)! + 1);
        queue.push(e.to);
      }
    }
  }
  const deepest = Math.max(0, ...depth.values());
  const rows = new Map<number, number>();
  const positions: Record<string, { x: number; y: number }> = {};
  for (const node of nodes) {
    const column = depth.get(node.id) ?? deepest + 1;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    positions[node.id] = { x: 40 + column * 300, y: 40 + row * 200 };
  }
  return positions;
}

/** The API's field errors per node id (`nodes[2].groups` → node 2; `edges[4].exit` → the edge's source node), and the rest. */
export function errorsByNode(details: FieldError[], sent: JourneyInput): { byNode: Record<string, string[]>; other: string[] } {
  const byNode: Record<string, string[]> = {};
  const other: string[] = [];
  for (const d of details) {
    const match = /^(?:body\.)?(nodes|edges)\[(\d+)\](?:\.(.*))?$/.exec(d.path);
    const item = match ? (match[1] === 'nodes' ? sent.nodes[Number(match[2])] : sent.edges[Number(match[2])]) : undefined;
    const nodeId = item ? ('from' in item ? item.from : item.id) : undefined;
    if (!match || nodeId === undefined) {
      other.push(`${d.path}: ${d.message}`);
      continue;
    }
    const field = match[3] ? `${match[3]}: ` : '';
    const prefix = match[1] === 'edges' ? `${d.path}: ` : field;
    (byNode[nodeId] ??= []).push(`${prefix}${d.message}`);
  }
  return { byNode, other };
}

/** The webhook node whose default exit leads to `nodeId` (a judgment judges its results). */
export function precedingWebhook(draft: Draft, nodeId: string): JourneyNode | undefined {
  const edge = draft.edges.find((e) => e.to === nodeId && e.exit === DEFAULT_EXIT && draft.nodes.find((n) => n.id === e.from)?.type === 'webhook');
  return edge ? draft.nodes.find((n) => n.id === edge.from) : undefined;
}
