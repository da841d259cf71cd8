import { describe, expect, it } from 'vitest';
import type { AcceptedReceipt } from '../../src/receipts/judge-receipts.js';
import { newReceipts } from '../../src/receipts/new-receipts.js';

/** An accepted receipt of `action` (in batch `batch`) with `msgId` and `status`. */
function accepted(batch: string, action: string, msgId: string, status: string, fromJourney = false): AcceptedReceipt {
  return {
    receipt: { msg_id: msgId, status, cst_id: 'c', send_time: '7', callback_params: { webhook_id: 'wh', batchId: batch, actionId: action, customerId: 'c' } },
    message: { actionId: action, batchId: batch, webhookId: 'wh', customerId: 'c', sentAt: 0, fromJourney },
  };
}

describe('newReceipts', () => {
  it('keeps the first receipt of each message and msg_id, in report order, and counts receipts and users per batch and status', () => {
    const { rows, counts } = newReceipts(
      [
        accepted('b1', 'a1', 'm1', '200'),
        accepted('b1', 'a1', 'm1', '500'), // a repeated msg_id: acknowledged, not stored
        accepted('b1', 'a1', 'm2', '200'), // a second 200 from the same user: a receipt, not a user
        accepted('b1', 'a2', 'm3', '500', true),
        accepted('b2', 'a3', 'm4', '200'),
      ],
      [],
    );
    expect(rows.map((r) => [r.batch_id, r.action_id, r.msg_id, r.status, r.for_journey, r.send_time])).toEqual([
      ['b1', 'a1', 'm1', '200', null, '7'],
      ['b1', 'a1', 'm2', '200', null, '7'],
      ['b1', 'a2', 'm3', '500', 1, '7'],
      ['b2', 'a3', 'm4', '200', null, '7'],
    ]);
    expect(counts).toEqual([
      { batch_id: 'b1', status: '200', receipts: 2, users: 1 },
      { batch_id: 'b1', status: '500', receipts: 1, users: 1 },
      { batch_id: 'b2', status: '200', receipts: 1, users: 1 },
    ]);
  });

  it('skips receipts already stored and counts no user twice for a code reported before', () => {
    const stored = [
      { action_id: 'a1', msg_id: 'm1', status: '200' },
      { action_id: 'a2', msg_id: 'm2', status: '500' },
    ];
    const { rows, counts } = newReceipts(
      [accepted('b1', 'a1', 'm1', '200'), accepted('b1', 'a1', 'm5', '200'), accepted('b1', 'a2', 'm6', '200'), accepted('b1', 'a2', 'm2', '200')],
      stored,
    );
    expect(rows.map((r) => r.msg_id)).toEqual(['m5', 'm6']);
    // a1 reported 200 before: one more receipt, no new user; a2 reports 200 for the first time.
    expect(counts).toEqual([{ batch_id: 'b1', status: '200', receipts: 2, users: 1 }]);
  });

  it('adds nothing when every receipt was stored before', () => {
    expect(newReceipts([accepted('b1', 'a1', 'm1', '200')], [{ action_id: 'a1', msg_id: 'm1', status: '200' }])).toEqual({ rows: [], counts: [] });
  });
  it('remembers every code a user reported, not only the first', () => {
    const stored = [
      { action_id: 'a1', msg_id: 'm1', status: 'DELIVERED' },
      { action_id: 'a1', msg_id: 'm2', status: 'OPENED' },
    ];
    const { counts } = newReceipts(
      [accepted('b1', 'a1', 'm3', 'OPENED'), accepted('b1', 'a1', 'm4', 'CLICKED'), accepted('b1', 'a1', 'm5', 'DELIVERED'), accepted('b1', 'a1', 'm6', 'CLICKED')],
      stored,
    );
    expect(counts).toEqual([
      { batch_id: 'b1', status: 'OPENED', receipts: 1, users: 0 },
      { batch_id: 'b1', status: 'CLICKED', receipts: 2, users: 1 },
      { batch_id: 'b1', status: 'DELIVERED', receipts: 1, users: 0 },
    ]);
  });
});
