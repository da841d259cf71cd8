import { buildUserMessage, serializeBatch, type UserMessageInput } from '@hookreach/protocol';
import { describe, expect, it } from 'vitest';
import { buildOutboxChunk, type EnqueuedBatch } from '../../src/delivery/build-batches.js';
import { ChunkShape } from '../../src/delivery/chunk-shape.js';
import type { OutboxCommon } from '../../src/delivery/outbox.js';
import { bodyText } from '../../src/delivery/stored-body.js';

const common: OutboxCommon = { workspaceId: 'ws_1', webhookId: 'whk_1', runKind: 'journey', taskId: null, journeyId: 'jrn_1', nodeId: 'send', maxAttempts: 5, due: 1_700_000_000_000, now: 1_700_000_000_000 };

/** The body of each batch as serializeBatch writes it from buildUserMessage, with the ids the chunk drew. */
function longWay(batches: UserMessageInput[][], enqueued: EnqueuedBatch[]): string[] {
  return batches.map((users, i) =>
    serializeBatch(users.map((user, j) => buildUserMessage({
      ...user,
      callback_params: { webhook_id: common.webhookId, send_time: String(common.now), nodeId: common.nodeId, instanceId: user.callback_params?.instanceId, batchId: enqueued[i]!.batchId, actionId: enqueued[i]!.actionIds[j], customerId: user.user_profile.customer_id },
    }))),
  );
}

function user(n: number, extra: Partial<UserMessageInput> = {}): UserMessageInput {
  return { user_profile: { target_type: 'OPEN_ID', target_id: `o${n}`, customer_id: `c${n}` }, params: { coupon: 'C-42', greeting: `Hello ${n}` }, ...extra };
}

describe('buildOutboxChunk bodies', () => {
  it('are what serializeBatch writes, for users who fit one template and users who do not', () => {
    const batches: UserMessageInput[][] = [
      [user(1), user(2), user(3, { params: { coupon: 'C-42', greeting: 'quote " backslash \\ \u0001 中文 😀 \ud800' } })],
      [
        user(4, { user_profile: { target_type: 'MOBILE', target_id: '138', customer_id: 'c4' } }),
        user(5, { params: { greeting: 'other order', coupon: 'C-42' } }),
        user(6, { params: { coupon: 'C-42' } }),
        user(7, { params: { coupon: 42, greeting: null } }),
        user(8, { params: undefined }),
        user(9, { user_profile: { target_type: 'OPEN_ID', target_id: 10, customer_id: 'c9' } }),
      ],
      [
        user(10, { callback_params: { instanceId: 'jin_10' }, process_info: { processInstanceId: 'jin_10', processInstanceStartTime: '2026-12-03 06:00:00', processNodeInstanceId: 'jnv_1', processNodeInstanceStartTime: '2026-12-03 06:00:01', groupName: 'g' } }),
        user(11, { callback_params: { instanceId: 'jin_11' }, process_info: { processInstanceId: 'jin_11', processInstanceStartTime: '2026-12-03 06:00:00', processNodeInstanceId: 'jnv_2', processNodeInstanceStartTime: '2026-12-03 06:00:01', groupName: 'g' } }),
        user(12, { process_info: { processInstanceId: 12 } }),
        user(13, { params: Object.defineProperty({ coupon: 'C-42' }, '__proto__', { value: 'p', enumerable: true }) as Record<string, string> }),
      ],
    ];
    const enqueued: EnqueuedBatch[] = [];
    const chunk = buildOutboxChunk(batches, 0, batches.length, common, enqueued);
    expect(chunk.bodies.map(bodyText)).toEqual(longWay(batches, enqueued));
    // The batches whose users all fit are stored as pieces and values; the others as text.
    expect(chunk.bodies.map((b) => b.startsWith('\u0001'))).toEqual([true, false, false]);
    expect(chunk.bodies[0]!.length).toBeLessThan(longWay(batches, enqueued)[0]!.length / 2);
    expect(JSON.parse(chunk.rosters[1]!)[0]).toEqual([enqueued[1]!.actionIds[0], 'c4', 'MOBILE', '138']);
  });

  it('come from one template for the users who share its shape', () => {
    const batches = [[user(1), user(2, { params: { coupon: 'C-42', greeting: 7 } }), user(3, { params: { greeting: 'x', coupon: 'C-42' } }), user(4)]];
    const shape = ChunkShape.of(batches, 0, 1, common, String(common.now))!;
    const written = batches[0]!.map((u, m) => shape.quotedFields(m, u, '"a"') !== null);
    expect(written).toEqual([true, false, false, true]);
  });

  it('whose first user does not fit are written the long way, byte for byte', () => {
    const batches = [[user(1, { params: { coupon: 7 } }), user(2), user(3)]];
    const enqueued: EnqueuedBatch[] = [];
    expect(buildOutboxChunk(batches, 0, 1, common, enqueued).bodies).toEqual(longWay(batches, enqueued));
  });

  it('of a hundred users who fit are stored as pieces and values, and read back as the same text', () => {
    const batches = [Array.from({ length: 100 }, (_, n) => user(n))];
    const enqueued: EnqueuedBatch[] = [];
    const stored = buildOutboxChunk(batches, 0, 1, common, enqueued).bodies[0]!;
    const text = longWay(batches, enqueued)[0]!;
    expect(bodyText(stored)).toBe(text);
    expect(stored.length).toBeLessThan(text.length / 3);
    expect(bodyText(text)).toBe(text);
  });

  it('refuse an id with NUL, naming the user, as before', () => {
    const batches = [[user(1), user(2, { user_profile: { target_type: 'OPEN_ID', target_id: 'o\u00002', customer_id: 'c2' } })]];
    expect(() => buildOutboxChunk(batches, 0, 1, common)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});
