import { describe, expect, it } from 'vitest';
import { appendGroup, judge, pickGroup } from '../../src/journeys/advance.js';
import type { JudgmentNode, SplitNode } from '../../src/journeys/model.js';
import type { JourneyInput } from '../../src/journeys/schemas.js';
import { validateDefinition } from '../../src/journeys/validate-definition.js';

const facts = { webhooks: new Map([['wh_1', { receiptCodes: ['200', '500'] }], ['wh_noreceipt', { receiptCodes: [] }]]) };

/** The example, valid. */
function example(): JourneyInput {
  return {
    name: 'Welcome coupon',
    entry: { type: 'audience', audienceId: 'aud_1', at: '2026-12-01T09:00:00+08:00' },
    nodes: [
      { id: 'send', type: 'webhook', name: 'Send coupon', webhookId: 'wh_1', idType: 'OPEN_ID', params: { define_item1: 'C-42' }, missingVariable: 'skip' },
      { id: 'judge', type: 'judgment', name: 'Receipt?', wait: { minutes: 60 }, results: ['success', 'failed', 'receipt:200', 'receipt:500'] },
      { id: 'ab', type: 'split', name: 'A/B', groups: [{ name: 'A', percent: 50 }, { name: 'B', percent: 50 }] },
      { id: 'pause', type: 'wait', name: 'Half an hour', wait: { minutes: 30 } },
      { id: 'done', type: 'end' },
    ],
    edges: [
      { from: 'send', to: 'judge' }, { from: 'send', exit: 'noId', to: 'done' },
      { from: 'judge', exit: 'receipt:200', to: 'done' }, { from: 'judge', exit: 'receipt:500', to: 'done' },
      { from: 'judge', exit: 'success', to: 'done' }, { from: 'judge', exit: 'failed', to: 'done' },
      { from: 'judge', exit: 'other', to: 'ab' },
      { from: 'ab', exit: 'A', to: 'pause' }, { from: 'ab', exit: 'B', to: 'done' }, { from: 'pause', to: 'done' },
    ],
  };
}

const problems = (input: JourneyInput) => validateDefinition(input, facts).errors;
const paths = (input: JourneyInput) => problems(input).map((e) => e.path);

describe('journey validation (pure)', () => {
  it('accepts the issue\'s example and normalises it', () => {
    const { definition, errors } = validateDefinition(example(), facts);
    expect(errors).toEqual([]);
    expect(definition.nodes[4]).toEqual({ id: 'done', type: 'end', name: '' });
    expect(definition.edges[0]).toEqual({ from: 'send', to: 'judge' });
    expect(definition.entry).toEqual({ type: 'audience', audienceId: 'aud_1', at: '2026-12-01T09:00:00+08:00' });
  });

  it('names the node of a split whose percentages do not sum to 100', () => {
    const input = example();
    input.nodes[2]!.groups = [{ name: 'A', percent: 50 }, { name: 'B', percent: 40.5 }];
    expect(problems(input)).toContainEqual({ path: 'nodes[2].groups', message: 'percentages must sum to 100, not 90.5' });
  });

  it('refuses fields of another node type, on their node', () => {
    const input = example();
    input.nodes[0]!.groups = [{ name: 'A', percent: 100 }];
    input.nodes[3]!.results = ['success'];
    expect(paths(input)).toEqual(expect.arrayContaining(['nodes[0].groups', 'nodes[3].results']));
  });

  it('requires a webhook node\'s webhook and ID type, and a known webhook', () => {
    const input = example();
    delete input.nodes[0]!.idType;
    input.nodes[0]!.webhookId = 'wh_gone';
    expect(problems(input)).toEqual(expect.arrayContaining([
      { path: 'nodes[0].webhookId', message: 'is not a webhook of this workspace' },
      { path: 'nodes[0].idType', message: 'is required' },
    ]));
  });

  it('requires a judgment to follow a webhook node directly', () => {
    const input = example();
    input.edges = input.edges.map((e) => (e.from === 'pause' ? { from: 'pause', to: 'judge' } : e));
    const found = problems(input).find((e) => e.message.includes('must directly follow a webhook'));
    expect(found?.path).toMatch(/^edges\[\d+\]$/);
    expect(found?.message).toContain('nodes[1] ("judge")');
  });

  it('refuses a judgment after the "noId" exit (those users were not sent)', () => {
    const input = example();
    input.edges = input.edges.map((e) => (e.exit === 'noId' ? { from: 'send', exit: 'noId', to: 'judge' } : e));
    expect(problems(input).some((e) => e.message.includes('must directly follow a webhook node\'s default exit'))).toBe(true);
  });

  it('accepts only results the webhook can report, never "other"', () => {
    const input = example();
    input.nodes[1]!.results = ['receipt:404', 'other', 'success', 'success'];
    expect(problems(input)).toEqual(expect.arrayContaining([
      { path: 'nodes[1].results[0]', message: '"404" is not a receipt status of the webhook of "send": its statuses are 200, 500' },
      { path: 'nodes[1].results[1]', message: '"other" is not a result: use success, failed or receipt:<status code> ("other" is automatic)' },
      { path: 'nodes[1].results[3]', message: '"success" is chosen twice' },
    ]));
    input.nodes[0]!.webhookId = 'wh_noreceipt';
    expect(problems(input).find((e) => e.path === 'nodes[1].results[0]')?.message).toContain('it takes no receipts');
  });

  it('requires every branch connected, including "noId" and "other"', () => {
    const input = example();
    input.edges = input.edges.filter((e) => e.exit !== 'noId' && e.exit !== 'other');
    expect(problems(input)).toEqual(expect.arrayContaining([
      { path: 'nodes[0]', message: 'exit "noId" of "send" is not connected: every branch needs an edge' },
      { path: 'nodes[1]', message: 'exit "other" of "judge" is not connected: every branch needs an edge' },
    ]));
  });

  it('refuses an exit a node does not have, and an exit connected twice', () => {
    const input = example();
    input.edges.push({ from: 'ab', exit: 'C', to: 'done' }, { from: 'pause', to: 'send' }, { from: 'done', to: 'send' });
    const found = problems(input);
    expect(found).toContainEqual(expect.objectContaining({ path: 'edges[10].exit', message: expect.stringContaining('its exits are "A", "B"') }));
    expect(found).toContainEqual(expect.objectContaining({ path: 'edges[11]', message: expect.stringContaining('already connected by edges[9]') }));
    expect(found).toContainEqual(expect.objectContaining({ path: 'edges[12].exit', message: expect.stringContaining('it has no exits') }));
  });

  it('names edges to or from unknown nodes', () => {
    const input = example();
    input.edges.push({ from: 'ghost', to: 'done' }, { from: 'ab', exit: 'A', to: 'nowhere' });
    expect(paths(input)).toEqual(expect.arrayContaining(['edges[10].from', 'edges[11].to']));
  });

  it('requires exactly one entry node and every node reachable', () => {
    const input = example();
    input.nodes.push({ id: 'orphan', type: 'end' });
    expect(problems(input)).toContainEqual(expect.objectContaining({ path: 'nodes', message: expect.stringContaining('exactly one entry node') }));
    const island = example();
    island.nodes.push({ id: 'w1', type: 'wait', wait: { minutes: 1 } }, { id: 'w2', type: 'wait', wait: { minutes: 1 } });
    island.edges.push({ from: 'w1', to: 'w2' }, { from: 'w2', to: 'w1' });
    expect(problems(island)).toContainEqual({ path: 'nodes[5]', message: '"w1" cannot be reached from the entry node "send"' });
  });

  it('refuses duplicate node ids', () => {
    const input = example();
    input.nodes.push({ id: 'ab', type: 'end' });
    expect(problems(input)).toContainEqual({ path: 'nodes[5].id', message: '"ab" is already the id of nodes[2]' });
  });

  it('checks waits: exactly one unit, a valid time', () => {
    const input = example();
    input.nodes[3]!.wait = { minutes: 5, hours: 1 };
    input.nodes[1]!.wait = {};
    expect(paths(input)).toEqual(expect.arrayContaining(['nodes[3].wait', 'nodes[1].wait']));
  });

  it('checks the entry', () => {
    const input = example();
    input.entry = { type: 'audience', reentry: 'never' };
    expect(paths(input)).toEqual(expect.arrayContaining(['entry.audienceId', 'entry.at', 'entry.reentry']));
    input.entry = { type: 'event', audienceId: 'x' };
    expect(paths(input)).toContain('entry.audienceId');
    input.entry = { type: 'event' };
    expect(validateDefinition(input, facts).definition.entry).toEqual({ type: 'event', reentry: 'never' });
  });

  it('refuses group-name separators in split and group names', () => {
    const input = example();
    input.nodes[2]!.name = 'A:B';
    input.nodes[2]!.groups = [{ name: 'A;1', percent: 50 }, { name: 'B', percent: 50 }];
    expect(paths(input)).toEqual(expect.arrayContaining(['nodes[2].name', 'nodes[2].groups[0].name']));
  });
});

describe('loops', () => {
  it('refuses a loop that passes no wait node, naming a node in it', () => {
    const input = example();
    // judge -other-> ab -B-> send -> judge: no wait in it.
    input.edges = input.edges.map((e) => (e.from === 'ab' && e.exit === 'B' ? { from: 'ab', exit: 'B', to: 'send' } : e));
    input.nodes.push({ id: 'start', type: 'wait', wait: { minutes: 1 } });
    input.edges.push({ from: 'start', to: 'send' });
    const found = problems(input).find((e) => e.message.includes('loop without a wait node'));
    expect(found?.message).toContain('send → judge → ab → send');
    expect(found?.path).toBe('nodes[0]');
  });

  it('accepts a loop through a wait node', () => {
    const input = example();
    input.edges = input.edges.map((e) => (e.from === 'pause' ? { from: 'pause', to: 'send' } : e));
    input.nodes.push({ id: 'start', type: 'wait', wait: { days: 1 } });
    input.edges.push({ from: 'start', to: 'send' });
    expect(problems(input)).toEqual([]);
  });
});

describe('engine decisions (pure)', () => {
  const node: JudgmentNode = { id: 'j', type: 'judgment', name: 'J', wait: { minutes: 60 }, results: ['success', 'failed', 'receipt:200'] };
  const at = (over: Partial<Parameters<typeof judge>[1]>) => judge(node, { batchStatus: 'pending', receiptStatus: null, dueAt: 1000, now: 0, ...over });

  it('judges a chosen receipt at once, before the batch is even recorded', () => {
    expect(at({ receiptStatus: '200' })).toBe('receipt:200');
    expect(at({ batchStatus: 'succeeded', receiptStatus: '200' })).toBe('receipt:200');
  });
  it('judges a failed send at once; a success waits for receipts until the deadline', () => {
    expect(at({ batchStatus: 'failed' })).toBe('failed');
    expect(at({ batchStatus: 'succeeded' })).toBeUndefined();
    expect(at({ batchStatus: 'succeeded', now: 1000 })).toBe('success');
    expect(at({ batchStatus: 'pending', now: 1000 })).toBe('other');
  });
  it('sends a success to "success" at once when no receipt is awaited, and unchosen results to "other"', () => {
    expect(judge({ ...node, results: ['success'] }, { batchStatus: 'succeeded', receiptStatus: null, dueAt: 1000, now: 0 })).toBe('success');
    expect(judge({ ...node, results: ['receipt:200'] }, { batchStatus: 'failed', receiptStatus: null, dueAt: 1000, now: 0 })).toBe('other');
    expect(judge({ ...node, results: ['receipt:200'] }, { batchStatus: 'succeeded', receiptStatus: null, dueAt: 1000, now: 1000 })).toBe('other');
  });

  it('splits deterministically per seed, within statistical bounds of the percentages', () => {
    const split: SplitNode = { id: 'ab', type: 'split', name: 'A/B', groups: [{ name: 'A', percent: 30 }, { name: 'B', percent: 70 }] };
    expect(pickGroup(split, 'seed-1')).toBe(pickGroup(split, 'seed-1'));
    let a = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (pickGroup(split, `jin_${i}:ab:0`).name === 'A') a++;
    // Binomial(20000, 0.3): standard deviation about 65; 5 sigma.
    expect(Math.abs(a - 0.3 * n)).toBeLessThan(5 * Math.sqrt(n * 0.3 * 0.7));
  });

  it('writes groupName in the document\'s form, entries joined by semicolons', () => {
    const split: SplitNode = { id: 'ab', type: 'split', name: 'A/B', groups: [{ name: 'A', percent: 33.33 }, { name: 'B', percent: 66.67 }] };
    const once = appendGroup('', split, split.groups[0]!);
    expect(once).toBe('ab:A/B:33.33,A');
    expect(appendGroup(once, { ...split, id: 'cd', name: 'Second' }, { name: 'B', percent: 50 })).toBe('ab:A/B:33.33,A;cd:Second:50.00,B');
  });
});
