import type { FieldError } from '../errors.js';
import {
  DEFAULT_EXIT,
  exitsOf,
  RECEIPT_RESULT_PREFIX,
  SEND_RESULTS,
  type JourneyDefinition,
  type JourneyEdge,
  type JourneyEntry,
  type JourneyNode,
  type WaitSpec,
} from './model.js';
import type { JourneyInput, NodeInput } from './schemas.js';

/** What the graph rules need to know of the store: the workspace's webhooks that exist, with their receipt status codes. */
export interface DefinitionFacts {
  webhooks: ReadonlyMap<string, { receiptCodes: readonly string[] }>;
}

/** Fields each node type takes besides id, type and name. */
const FIELDS: Record<NodeInput['type'], readonly (keyof NodeInput)[]> = {
  webhook: ['webhookId', 'idType', 'params', 'missingVariable'],
  wait: ['wait'],
  split: ['groups'],
  judgment: ['wait', 'results'],
  end: [],
};
const OPTIONAL_FIELDS: readonly (keyof NodeInput)[] = ['webhookId', 'idType', 'params', 'missingVariable', 'wait', 'results', 'groups'];

/** Characters that separate the parts of process_info.groupName, so split and group names may not hold them. */
const GROUP_NAME_SEPARATORS = /[:;,]/;

/**
 * Checks a journey against the graph rules (pure): one entry, every node reachable, no cycle
 * unless it passes a wait, every exit connected exactly once, each node's configuration complete, a
 * judgment directly after a webhook node with results that webhook can report, split percentages
 * summing to 100. Every problem is named by its path (`nodes[2].groups`, `edges[0].exit`).
 * Parameter values are only carried over here; their check needs the store (check-journey.ts).
 */
export function validateDefinition(input: JourneyInput, facts: DefinitionFacts): { definition: JourneyDefinition; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (name === '') errors.push({ path: 'name', message: 'must not be blank' });
  const entry = checkEntry(input.entry, errors);
  const nodes = input.nodes.map((node, i) => checkNode(node, `nodes[${i}]`, facts, errors));
  const index = new Map<string, number>();
  input.nodes.forEach((node, i) => {
    if (index.has(node.id)) errors.push({ path: `nodes[${i}].id`, message: `"${node.id}" is already the id of nodes[${index.get(node.id)}]` });
    else index.set(node.id, i);
  });
  const edges = input.edges.map((edge) => ({ from: edge.from, to: edge.to, ...(edge.exit !== undefined && edge.exit !== DEFAULT_EXIT ? { exit: edge.exit } : {}) }));
  checkEdges(edges, nodes, index, facts, errors);
  checkShape(edges, nodes, index, errors);
  return { definition: { name, entry, nodes, edges }, errors };
}

function checkEntry(entry: JourneyInput['entry'], errors: FieldError[]): JourneyEntry {
  if (entry.type === 'audience') {
    if (entry.audienceId === undefined) errors.push({ path: 'entry.audienceId', message: 'is required for an audience entry' });
    if (entry.at === undefined) errors.push({ path: 'entry.at', message: 'is required for an audience entry (when its users enter)' });
    else if (!Number.isFinite(Date.parse(entry.at))) errors.push({ path: 'entry.at', message: 'must be a date-time with an offset' });
    if (entry.reentry !== undefined) errors.push({ path: 'entry.reentry', message: 'applies to an event entry only: each audience user enters once' });
    return { type: 'audience', audienceId: entry.audienceId ?? '', at: entry.at ?? '' };
  }
  for (const field of ['audienceId', 'at'] as const) {
    if (entry[field] !== undefined) errors.push({ path: `entry.${field}`, message: 'applies to an audience entry only' });
  }
  return { type: 'event', reentry: entry.reentry ?? 'never' };
}

function checkNode(input: NodeInput, path: string, facts: DefinitionFacts, errors: FieldError[]): JourneyNode {
  const allowed = FIELDS[input.type];
  for (const field of OPTIONAL_FIELDS) {
    if (input[field] !== undefined && !allowed.includes(field)) errors.push({ path: `${path}.${field}`, message: `is not a field of a ${input.type} node` });
  }
  const name = (input.name ?? '').trim();
  const base = { id: input.id, name };
  switch (input.type) {
    case 'webhook': {
      if (input.webhookId === undefined) errors.push({ path: `${path}.webhookId`, message: 'is required' });
      else if (!facts.webhooks.has(input.webhookId)) errors.push({ path: `${path}.webhookId`, message: 'is not a webhook of this workspace' });
      if (input.idType === undefined) errors.push({ path: `${path}.idType`, message: 'is required' });
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(input.params ?? {})) params[key] = typeof value === 'string' ? value : String(value);
      return { ...base, type: 'webhook', webhookId: input.webhookId ?? '', idType: input.idType ?? '', params, missingVariable: input.missingVariable ?? 'skip' };
    }
    case 'wait':
      return { ...base, type: 'wait', wait: checkWait(input.wait, `${path}.wait`, errors) };
    case 'judgment': {
      const results = input.results ?? [];
      if (results.length === 0) errors.push({ path: `${path}.results`, message: 'choose at least one result: success, failed or receipt:<status code>' });
      const seen = new Set<string>();
      results.forEach((result, i) => {
        if (seen.has(result)) errors.push({ path: `${path}.results[${i}]`, message: `"${result}" is chosen twice` });
        seen.add(result);
        if (!(SEND_RESULTS as readonly string[]).includes(result) && !result.startsWith(RECEIPT_RESULT_PREFIX)) {
          errors.push({ path: `${path}.results[${i}]`, message: `"${result}" is not a result: use success, failed or receipt:<status code> ("other" is automatic)` });
        }
      });
      return { ...base, type: 'judgment', wait: checkWait(input.wait, `${path}.wait`, errors), results };
    }
    case 'split': {
      const groups = input.groups ?? [];
      if (groups.length < 2) errors.push({ path: `${path}.groups`, message: 'a random split needs at least two groups' });
      if (GROUP_NAME_SEPARATORS.test(name)) errors.push({ path: `${path}.name`, message: 'must not contain ":", ";" or "," (they separate process_info.groupName)' });
      const names = new Set<string>();
      let hundredths = 0;
      groups.forEach((group, i) => {
        if (names.has(group.name)) errors.push({ path: `${path}.groups[${i}].name`, message: `"${group.name}" is already a group of this split` });
        names.add(group.name);
        if (GROUP_NAME_SEPARATORS.test(group.name)) errors.push({ path: `${path}.groups[${i}].name`, message: 'must not contain ":", ";" or ","' });
        if (group.name === DEFAULT_EXIT) errors.push({ path: `${path}.groups[${i}].name`, message: `"${DEFAULT_EXIT}" is reserved` });
        const cents = Math.round(group.percent * 100);
        if (Math.abs(cents - group.percent * 100) > 1e-6) errors.push({ path: `${path}.groups[${i}].percent`, message: 'has at most two decimals' });
        hundredths += cents;
      });
      if (groups.length >= 2 && hundredths !== 10_000) errors.push({ path: `${path}.groups`, message: `percentages must sum to 100, not ${hundredths / 100}` });
      return { ...base, type: 'split', groups: groups.map((g) => ({ name: g.name, percent: g.percent })) };
    }
    case 'end':
      return { ...base, type: 'end' };
  }
}

function checkWait(wait: NodeInput['wait'], path: string, errors: FieldError[]): WaitSpec {
  const given = wait === undefined ? [] : (['minutes', 'hours', 'days', 'until'] as const).filter((k) => wait[k] !== undefined);
  if (given.length !== 1) {
    errors.push({ path, message: 'give exactly one of minutes, hours, days or until' });
    return { minutes: 1 };
  }
  const unit = given[0]!;
  if (unit === 'until') {
    if (!Number.isFinite(Date.parse(wait!.until!))) errors.push({ path: `${path}.until`, message: 'must be a date-time with an offset' });
    return { until: wait!.until! };
  }
  return { [unit]: wait![unit]! } as WaitSpec;
}

/** Each edge joins existing nodes by an exit its source has; each (node, exit) is connected once; a judgment's results fit its webhook. */
function checkEdges(edges: JourneyEdge[], nodes: JourneyNode[], index: Map<string, number>, facts: DefinitionFacts, errors: FieldError[]): void {
  const taken = new Map<string, number>();
  edges.forEach((edge, i) => {
    const from = index.get(edge.from);
    const to = index.get(edge.to);
    if (from === undefined) errors.push({ path: `edges[${i}].from`, message: `no node has the id "${edge.from}"` });
    if (to === undefined) errors.push({ path: `edges[${i}].to`, message: `no node has the id "${edge.to}"` });
    if (from === undefined) return;
    const source = nodes[from]!;
    const exit = edge.exit ?? DEFAULT_EXIT;
    const exits = exitsOf(source);
    if (!exits.includes(exit)) {
      const named = exits.length === 0 ? 'it has no exits' : `its exits are ${exits.map((e) => (e === DEFAULT_EXIT ? '(default)' : `"${e}"`)).join(', ')}`;
      errors.push({ path: `edges[${i}].exit`, message: `nodes[${from}] ("${source.id}", ${source.type}) has no exit "${exit}": ${named}` });
      return;
    }
    const key = `${source.id}\u0000${exit}`;
    if (taken.has(key)) errors.push({ path: `edges[${i}]`, message: `exit "${exit}" of nodes[${from}] ("${source.id}") is already connected by edges[${taken.get(key)}]` });
    else taken.set(key, i);
    if (to === undefined) return;
    const target = nodes[to]!;
    if (target.type === 'judgment') {
      if (source.type !== 'webhook' || exit !== DEFAULT_EXIT) {
        errors.push({ path: `edges[${i}]`, message: `nodes[${to}] ("${target.id}") is a result judgment: it must directly follow a webhook node's default exit` });
      } else {
        checkResultsFit(target, to, source, facts, errors);
      }
    }
  });
  nodes.forEach((node, i) => {
    for (const exit of exitsOf(node)) {
      if (!taken.has(`${node.id}\u0000${exit}`)) {
        errors.push({ path: `nodes[${i}]`, message: `exit ${exit === DEFAULT_EXIT ? '(default)' : `"${exit}"`} of "${node.id}" is not connected: every branch needs an edge` });
      }
    }
  });
}

/** A judgment's receipt results must be status codes its webhook can report. */
function checkResultsFit(judgment: JourneyNode & { type: 'judgment' }, at: number, webhookNode: JourneyNode & { type: 'webhook' }, facts: DefinitionFacts, errors: FieldError[]): void {
  const webhook = facts.webhooks.get(webhookNode.webhookId);
  if (!webhook) return; // already reported on the webhook node
  judgment.results.forEach((result, i) => {
    if (!result.startsWith(RECEIPT_RESULT_PREFIX)) return;
    const code = result.slice(RECEIPT_RESULT_PREFIX.length);
    if (!webhook.receiptCodes.includes(code)) {
      const known = webhook.receiptCodes.length === 0 ? 'it takes no receipts' : `its statuses are ${webhook.receiptCodes.join(', ')}`;
      errors.push({ path: `nodes[${at}].results[${i}]`, message: `"${code}" is not a receipt status of the webhook of "${webhookNode.id}": ${known}` });
    }
  });
}

/** One entry node, every node reachable from it, and no cycle that does not pass a wait node. */
function checkShape(edges: JourneyEdge[], nodes: JourneyNode[], index: Map<string, number>, errors: FieldError[]): void {
  const incoming = new Set(edges.map((e) => e.to));
  const entries = nodes.map((n, i) => ({ n, i })).filter(({ n }) => !incoming.has(n.id));
  if (entries.length === 0) {
    errors.push({ path: 'nodes', message: 'there is no entry node: exactly one node must have no incoming edge' });
    return;
  }
  if (entries.length > 1) {
    errors.push({ path: 'nodes', message: `there must be exactly one entry node (no incoming edge), found ${entries.length}: ${entries.map(({ n, i }) => `nodes[${i}] "${n.id}"`).join(', ')}` });
  }
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    if (!index.has(edge.from) || !index.has(edge.to)) continue;
    next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  }
  const reached = new Set<string>([entries[0]!.n.id]);
  const queue = [entries[0]!.n.id];
  while (queue.length > 0) {
    for (const to of next.get(queue.pop()!) ?? []) {
      if (!reached.has(to)) {
        reached.add(to);
        queue.push(to);
      }
    }
  }
  if (entries.length === 1) {
    nodes.forEach((node, i) => {
      if (!reached.has(node.id)) errors.push({ path: `nodes[${i}]`, message: `"${node.id}" cannot be reached from the entry node "${entries[0]!.n.id}"` });
    });
  }
  const cycle = cycleWithoutWait(nodes, next);
  if (cycle) {
    errors.push({ path: `nodes[${index.get(cycle[0]!)}]`, message: `"${cycle[0]}" is in a loop without a wait node: ${cycle.join(' → ')}; put a wait node in the loop` });
  }
}

/** A cycle (as node ids, first repeated last) whose nodes are none of them wait nodes, if any. */
function cycleWithoutWait(nodes: JourneyNode[], next: Map<string, string[]>): string[] | undefined {
  const isWait = new Set(nodes.filter((n) => n.type === 'wait').map((n) => n.id));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'open');
    stack.push(id);
    for (const to of next.get(id) ?? []) {
      if (isWait.has(to)) continue;
      if (state.get(to) === 'open') return [...stack.slice(stack.indexOf(to)), to];
      if (!state.has(to)) {
        const found = visit(to);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const node of nodes) {
    if (isWait.has(node.id) || state.has(node.id)) continue;
    const found = visit(node.id);
    if (found) return found;
  }
  return undefined;
}
