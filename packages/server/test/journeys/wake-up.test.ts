import { describe, expect, it, vi } from 'vitest';
import { useTestApp } from '../support/test-app.js';
import { dispatcher, useScriptedReceiver } from '../delivery/support.js';
import { postReceipts } from '../receipts/support.js';
import { JourneyRunner } from '../../src/journeys/journey-runner.js';
import { createJourneyWebhook, expectStatus, instanceRows, publishedJourney, receiptOf, receivedMessages, seedAudience, someUsers } from './support.js';

const HOUR = 3_600_000;

/** Waits until `check` passes (it retries every 50 ms for up to 10 s). */
const eventually = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 10_000, interval: 50 });

describe('Journeys: the runner wakes on what this process does, not on its poll', () => {
  const t = useTestApp('sqlite');
  const receiver = useScriptedReceiver('file');

  it('enters users when the journey is published, and judges them when their receipts arrive', async () => {
    const webhookId = await createJourneyWebhook(t(), receiver.url);
    const audienceId = await seedAudience(t(), someUsers(4, 'w'));
    // Polls an hour away: only wake-ups can move this journey within the test.
    const runner = new JourneyRunner({ ctx: t().ctx, workerId: 'runner-wake', pollIntervalMs: HOUR });
    const d = dispatcher(t(), { pollIntervalMs: HOUR });
    runner.start();
    d.start();
    try {
      // The first rounds, run at start, find nothing.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const journeyId = await publishedJourney(t(), {
        name: 'Wake-ups',
        entry: { type: 'audience', audienceId, at: new Date(t().clock.now() - 1000).toISOString() },
        nodes: [
          { id: 'send', type: 'webhook', name: 'Send', webhookId, idType: 'OPEN_ID', params: { coupon: 'C-1' }, missingVariable: 'skip' },
          { id: 'judge', type: 'judgment', name: 'Receipt?', wait: { minutes: 60 }, results: ['receipt:200'] },
          { id: 'ok', type: 'end', name: 'Delivered' },
          { id: 'other', type: 'end', name: 'Other' },
        ],
        edges: [
          { from: 'send', to: 'judge' }, { from: 'send', exit: 'noId', to: 'other' },
          { from: 'judge', exit: 'receipt:200', to: 'ok' }, { from: 'judge', exit: 'other', to: 'other' },
        ],
      });
      await eventually(async () => expect(receivedMessages(receiver)).toHaveLength(4));
      const messages = receivedMessages(receiver);
      expectStatus(await postReceipts(t(), messages.slice(0, 3).map((m) => receiptOf(m, '200'))), 200);
      await eventually(async () => {
        const rows = await instanceRows(t(), journeyId);
        expect(rows.map((r) => r.node_id)).toEqual(['ok', 'ok', 'ok', 'judge']);
      });
    } finally {
      await runner.stop();
      await d.stop();
    }
  });
});
