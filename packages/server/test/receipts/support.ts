import type { LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { makeSignature, RECEIPT_PATH, type WebHookCallBackMessage } from '@hookreach/protocol';
import { DEFAULT_WORKSPACE_ID } from '../../src/access/bootstrap.js';
import { latestReceipts } from '../../src/receipts/store.js';
import { forEachEntry } from '../../src/receipts/receipt-entries.js';
import type { TestApp } from '../support/test-app.js';

export const KEY = 'receipt-K3y-value';

/** Creates a webhook with receipts through the API (key auth, statuses 200/FAIL, 72 h) unless overridden. */
export async function createReceiptWebhook(t: TestApp, overrides: Record<string, unknown> = {}): Promise<{ id: string }> {
  const res = await t.request('POST', '/api/v1/webhooks', {
    name: 'Receipts',
    authMethod: 'key',
    key: KEY,
    url: 'https://crm.example.com/hook',
    idTypes: ['OPEN_ID'],
    parameters: [],
    passEnvironment: false,
    receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Success' }, { code: 'FAIL', value: 'Failed' }] },
    ...overrides,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** One user message of a seeded batch, with the callback_params the integrator received. */
export interface SeededMessage {
  actionId: string;
  customerId: string;
  callbackParams: Record<string, string>;
}

let seq = 0;

/**
 * Inserts a delivered batch of `users` messages directly into delivery_batches and
 * delivery_rosters (the delivery engine is built separately), as the engine would leave them.
 */
export async function seedDelivery(
  t: TestApp,
  webhookId: string,
  options: { users?: number; sentAt?: number | null; taskId?: string | null } = {},
): Promise<{ batchId: string; messages: SeededMessage[] }> {
  const now = t.clock.now();
  const users = options.users ?? 3;
  const sentAt = options.sentAt === undefined ? now : options.sentAt;
  const batchId = `bat_${++seq}_${randomBytes(4).toString('hex')}`;
  const messages: SeededMessage[] = Array.from({ length: users }, (_, i) => {
    const actionId = `act_${batchId}_${i}`;
    const customerId = `cst_${seq}_${i}`;
    return {
      actionId,
      customerId,
      callbackParams: {
        webhook_id: webhookId,
        send_time: String(now),
        nodeId: 'node-1',
        instanceId: 'instance-1',
        batchId,
        actionId,
        customerId,
      },
    };
  });
  await t.ctx.store.db
    .insertInto('delivery_batches')
    .values({
      id: batchId, workspace_id: DEFAULT_WORKSPACE_ID, webhook_id: webhookId, run_kind: 'task', task_id: options.taskId ?? 'task-1', journey_id: null,
      node_id: null, user_count: users, status: 'succeeded', attempts: 1, max_attempts: 9, next_attempt_at: now, lease_owner: null,
      lease_expires_at: null, last_error: null, created_at: now, updated_at: now, finished_at: sentAt,
    })
    .execute();
  const roster = messages.map((m) => [m.actionId, m.customerId, 'OPEN_ID', `open-${m.customerId}`]);
  await t.ctx.store.db.insertInto('delivery_rosters').values({ batch_id: batchId, roster: JSON.stringify(roster) }).execute();
  return { batchId, messages };
}

/** A receipt for a seeded message, as the integrator builds it. */
export function receiptFor(message: SeededMessage, status: string, msgId: string = randomBytes(16).toString('hex')): WebHookCallBackMessage {
  return { msg_id: msgId, status, cst_id: message.customerId, send_time: '1764550800000', callback_params: { ...message.callbackParams } };
}

/** How to sign and send a report; defaults: signed with KEY, timestamp = now in seconds, a fresh nonce. */
export interface PostOptions {
  key?: string | null;
  timestamp?: string;
  nonce?: string;
  /** Sent instead of the computed signature; null leaves the header out. */
  signature?: string | null;
  contentType?: string;
}

/** POSTs a report (an array, or a raw string body) to the receipt API through inject. */
export function postReceipts(t: TestApp, body: unknown, options: PostOptions = {}): Promise<LightMyRequestResponse> {
  const timestamp = options.timestamp ?? String(Math.floor(t.clock.now() / 1000));
  const nonce = options.nonce ?? randomBytes(16).toString('hex');
  const key = options.key === undefined ? KEY : options.key;
  const signature = options.signature !== undefined ? options.signature : key === null ? '' : makeSignature(key, timestamp, nonce);
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
  if (signature !== null) headers['x-qa-hmac-signature'] = signature;
  return t.app.inject({
    method: 'POST',
    url: `${RECEIPT_PATH}?timestamp=${encodeURIComponent(timestamp)}&nonce=${encodeURIComponent(nonce)}`,
    headers,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Every receipt row and every message row: to prove a refused report stored nothing. */
export async function receiptState(t: TestApp): Promise<{ receipts: unknown[]; messages: unknown[] }> {
  const db = t.ctx.store.db;
  return {
    receipts: await db.selectFrom('batch_receipts').selectAll().orderBy('batch_id').orderBy('received_at').orderBy('report').execute(),
    messages: await db.selectFrom('delivery_messages').selectAll().orderBy('action_id').execute(),
  };
}

/** Each message's latest receipt status (null without one), in the order given. */
export async function latestStatusesOf(t: TestApp, actionIds: readonly string[]): Promise<(string | null)[]> {
  const messages = actionIds.length === 0 ? [] : await t.ctx.store.db.selectFrom('delivery_messages').select(['batch_id', 'action_id']).where('action_id', 'in', [...actionIds]).execute();
  const latest = await latestReceipts(t.ctx.store.db, t.ctx.store.dialect, messages.map((m) => ({ batchId: m.batch_id, actionId: m.action_id })));
  return actionIds.map((id) => latest.get(id)?.status ?? null);
}

/** Stored receipts of one webhook, one object per receipt (position: its index in its row), with their message's customer. */
export async function receiptsOf(t: TestApp, webhookId: string) {
  const db = t.ctx.store.db;
  const groups = await db
    .selectFrom('batch_receipts as r')
    .innerJoin('delivery_batches as b', 'b.id', 'r.batch_id')
    .selectAll('r')
    .where('b.webhook_id', '=', webhookId)
    .orderBy('r.received_at')
    .orderBy('r.report')
    .execute();
  const rows: { batch_id: string; action_id: string; msg_id: string; status: string; send_time: string; received_at: number; position: number; for_journey: number | null }[] = [];
  for (const g of groups) {
    let position = 0;
    forEachEntry(g.entries, (actionId, msgId, status, sendTime) => {
      rows.push({ batch_id: g.batch_id, action_id: actionId, msg_id: msgId, status, send_time: sendTime, received_at: Number(g.received_at), position: position++, for_journey: g.for_journey });
    });
  }
  // The customers from the batches' messages, each batch read once (a join per receipt would expand a roster per receipt).
  const batchIds = [...new Set(rows.map((r) => r.batch_id))];
  const messages = batchIds.length === 0 ? [] : await db.selectFrom('delivery_messages').select(['batch_id', 'action_id', 'customer_id']).where('batch_id', 'in', batchIds).execute();
  const customers = new Map(messages.map((m) => [`${m.batch_id}/${m.action_id}`, m.customer_id]));
  return rows.filter((r) => customers.has(`${r.batch_id}/${r.action_id}`)).map((r) => ({ ...r, customer_id: customers.get(`${r.batch_id}/${r.action_id}`)! }));
}
