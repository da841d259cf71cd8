import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { bodyText } from '../../src/delivery/stored-body.js';
import { sendSpecReader } from '../../src/journeys/advance-due.js';
import { ENTRY_PAGE, EntryPages } from '../../src/journeys/enter-audience.js';
import type { EntryPage, EntryPageRequest } from '../../src/journeys/entry-page.js';
import type { JourneyDefinition } from '../../src/journeys/model.js';
import { findDefinition } from '../../src/journeys/store.js';
import { inlinePageSource, threadPageSource, type PageSource } from '../../src/tasks/page-source.js';
import { dispatcher, isolateWebhooks, useScriptedReceiver } from '../delivery/support.js';
import { useTestApp, type TestApp } from '../support/test-app.js';
import { createJourneyWebhook, journeyRunner, nodeStats, publishedJourney, receivedMessages, seedAudience, someUsers, type SeedUser } from './support.js';

/** 120 users: every 9th without an OPEN_ID (they leave by "noId"), every 13th without a name. */
const USERS: SeedUser[] = Array.from({ length: 120 }, (_, i) => ({
  customerId: `e${String(i).padStart(4, '0')}`,
  ids: (i % 9 === 4 ? { MOBILE: `139${i}` } : { OPEN_ID: `open-${i}` }) as Record<string, string>,
  attributes: (i % 13 === 6 ? {} : { name: i === 40 ? 'Zoë "the" 用户' : `User ${i}` }) as Record<string, string>,
}));

/** Send with a variable, then wait at a judgment: `ending` true, every branch ends (cohorts), else "other" waits (instances). */
function journeyBody(audienceId: string, webhookId: string, at: number, ending: boolean) {
  return {
    name: ending ? 'Entry, cohorts' : 'Entry, instances',
    entry: { type: 'audience', audienceId, at: new Date(at).toISOString() },
    nodes: [
      { id: 'send', type: 'webhook', name: 'Send', webhookId, idType: 'OPEN_ID', params: { coupon: 'Hi ${name}' }, missingVariable: { replace: 'friend' } },
      { id: 'judge', type: 'judgment', name: 'Receipt?', wait: { minutes: 60 }, results: ['receipt:200'] },
      ...(ending ? [] : [{ id: 'pause', type: 'wait', name: 'Pause', wait: { minutes: 5 } }]),
      { id: 'done', type: 'end', name: 'Done' },
    ],
    edges: [
      { from: 'send', to: 'judge' }, { from: 'send', exit: 'noId', to: 'done' }, { from: 'judge', exit: 'receipt:200', to: 'done' },
      ...(ending ? [{ from: 'judge', exit: 'other', to: 'done' }] : [{ from: 'judge', exit: 'other', to: 'pause' }, { from: 'pause', to: 'done' }]),
    ],
  };
}

/** A page as JSON with its bodies decoded and its random ids (instances, visits, batches, actions, cohorts) replaced by their order of appearance. */
function comparable(page: EntryPage): string {
  const decoded = { ...page, sends: page.sends.map((s) => ({ ...s, chunk: { ...s.chunk, bodies: s.chunk.bodies.map((b) => JSON.parse(bodyText(b)) as unknown) } })) };
  const seen = new Map<string, number>();
  return JSON.stringify(decoded).replace(/\b(?:jin|jnv|bat|act|jco)_[0-9a-z]+/g, (id) => {
    if (!seen.has(id)) seen.set(id, seen.size);
    return `#${seen.get(id)}`;
  });
}

async function requestFor(t: TestApp, journeyId: string, audienceId: string, cursor: string | null): Promise<EntryPageRequest> {
  const definition = (await findDefinition(t.ctx.store.db, journeyId, 1)) as JourneyDefinition;
  const specOf = sendSpecReader(t.ctx.store.db);
  const specs: EntryPageRequest['specs'] = {};
  for (const node of definition.nodes) {
    if (node.type === 'webhook') specs[node.id] = (await specOf(DEFAULT_WORKSPACE_ID, node)) ?? null;
  }
  return { workspaceId: DEFAULT_WORKSPACE_ID, journeyId, version: 1, definition, audienceId, cursor, pageSize: 50, now: t.clock.now(), specs, maxAttempts: 5 };
}

describe('Journeys: audience entry pages on the page thread (SQLite on disk)', () => {
  const t = useTestApp('sqlite', {}, {}, { onDisk: true });
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('test');

  it('builds every entry page as the event loop does: who may enter, their sends, cohorts, instances and exit counts', async () => {
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const audienceId = await seedAudience(t(), USERS);
    const inline = inlinePageSource(t().ctx.store.db, t().ctx.store.dialect);
    let onLoop = 0;
    const thread = threadPageSource(t().ctx.store.sqliteFile!, { ...inline, buildEntry: (r) => { onLoop++; return inline.buildEntry(r); } });
    try {
      for (const ending of [true, false]) {
        // Published in the future: no runner enters anyone; one customer entered before, in a cohort.
        const journeyId = await publishedJourney(t(), journeyBody(audienceId, webhookId, t().clock.now() + 86_400_000, ending));
        await t().ctx.store.db.insertInto('journey_entries').values({ journey_id: journeyId, customer_id: 'e0007', cohort_id: 'jco_before' }).execute();
        let cursor: string | null = null;
        let entering = 0;
        let sent = 0;
        for (;;) {
          const request = await requestFor(t(), journeyId, audienceId, cursor);
          const [fromThread, fromLoop] = await Promise.all([thread.buildEntry(request), inline.buildEntry(request)]);
          expect(comparable(fromThread)).toBe(comparable(fromLoop));
          entering += fromThread.entering;
          sent += fromThread.sends.reduce((n, s) => n + s.chunk.userCounts.reduce((a, b) => a + b, 0), 0);
          // Waiting at a judgment whose every branch ends: cohorts; only those sent nothing get an instance (ended).
          if (ending) expect(fromThread.instances.every((i) => i.status === 'exited' && i.node_id === 'done')).toBe(true);
          else expect(fromThread.cohorts).toEqual([]);
          if (fromThread.last) break;
          cursor = fromThread.cursor;
        }
        expect(entering).toBe(119);
        // Less e0007, and the 13 without an OPEN_ID.
        expect(sent).toBe(119 - USERS.filter((u, i) => i % 9 === 4 && u.customerId !== 'e0007').length);
      }
      // The first page of all is built on the event loop while the thread starts; the thread builds the others.
      expect(onLoop).toBe(1);
    } finally {
      await thread.close();
    }
  });

  it('builds an entry page its thread fails to build on the event loop, and tells the failure', async () => {
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const audienceId = await seedAudience(t(), USERS);
    const journeyId = await publishedJourney(t(), journeyBody(audienceId, webhookId, t().clock.now() + 86_400_000, true));
    const inline = inlinePageSource(t().ctx.store.db, t().ctx.store.dialect);
    const failures: string[] = [];
    const broken = threadPageSource('/nonexistent/hookreach.sqlite', inline, { onFailure: (error) => failures.push(error.message) });
    try {
      const first = await requestFor(t(), journeyId, audienceId, null);
      // The first page is built on the event loop while the thread starts; the thread cannot open its file and fails the second.
      const page = await broken.buildEntry(first);
      const second = await broken.buildEntry({ ...first, cursor: page.cursor });
      expect(comparable(second)).toBe(comparable(await inline.buildEntry({ ...first, cursor: page.cursor })));
      expect(second.read).toBe(50);
      expect(failures).toEqual([expect.stringMatching(/^page thread: .*directory does not exist/)]);
    } finally {
      await broken.close();
    }
  });

  it('a runner enters an audience on the thread, each page built while the one before is written: everyone sent once', async () => {
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const count = ENTRY_PAGE * 2 + 10;
    const audienceId = await seedAudience(t(), someUsers(count, 'th'));
    const journeyId = await publishedJourney(t(), journeyBody(audienceId, webhookId, t().clock.now(), true));
    const runner = journeyRunner(t());
    try {
      expect((await runner.runOnce()).entered).toBe(count);
    } finally {
      await runner.stop();
    }
    await dispatcher(t()).drain();
    const customers = receivedMessages(receiver).map((m) => m.user_profile.customer_id);
    expect(customers.length).toBe(count);
    expect(new Set(customers).size).toBe(count);
    expect((await nodeStats(t(), journeyId)).send).toMatchObject({ entered: count, exits: { default: count }, delivery: { enqueued: count, succeeded: count } });
  });
});

describe('Journeys: entry pages built ahead', () => {
  const request = (cursor: string | null, now: number): EntryPageRequest => ({
    workspaceId: 'ws', journeyId: 'jrn_1', version: 1, definition: { name: 'j', nodes: [], edges: [] } as unknown as JourneyDefinition,
    audienceId: 'aud_1', cursor, pageSize: 10, now, specs: {}, maxAttempts: 5,
  });
  const counting = (ahead: boolean) => {
    const built: { cursor: string | null; now: number }[] = [];
    const source: PageSource = {
      ahead,
      build: () => Promise.reject(new Error('no task pages here')),
      buildEntry: (r) => {
        built.push({ cursor: r.cursor, now: r.now });
        return Promise.resolve({ cursor: r.cursor, last: false, read: 0, entering: 0, sends: [], instances: [], cohorts: [], exits: [] } satisfies EntryPage);
      },
      close: async () => {},
    };
    return { source, built };
  };

  it('takes a page built ahead only for the same page asked for lately; on the event loop, nothing is built ahead', async () => {
    const { source, built } = counting(true);
    const pages = new EntryPages(source);
    pages.prepare(request('c10', 1_000));
    expect(built).toHaveLength(1);
    // The same page, asked half a second later: the one built ahead.
    await pages.take(request('c10', 1_500));
    expect(built).toHaveLength(1);
    // Another cursor (the page before was not written): built anew.
    pages.prepare(request('c20', 2_000));
    await pages.take(request('c10', 2_000));
    expect(built.map((b) => b.cursor)).toEqual(['c10', 'c20', 'c10']);
    // Built ahead too long ago (the journey paused meanwhile): built anew, with the time it is taken at.
    pages.prepare(request('c20', 3_000));
    await pages.take(request('c20', 4_500));
    expect(built.slice(3)).toEqual([{ cursor: 'c20', now: 3_000 }, { cursor: 'c20', now: 4_500 }]);
    // Dropped after a page that was not written.
    pages.prepare(request('c30', 5_000));
    pages.drop('jrn_1');
    await pages.take(request('c30', 5_000));
    expect(built.slice(5).map((b) => b.cursor)).toEqual(['c30', 'c30']);

    const onLoop = counting(false);
    const inline = new EntryPages(onLoop.source);
    inline.prepare(request('c10', 1_000));
    expect(onLoop.built).toHaveLength(0);
  });
});
