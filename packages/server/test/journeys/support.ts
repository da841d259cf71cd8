import type { WebHookCallBackMessage, WebhookUserMessage } from '@hookreach/protocol';
import { randomBytes } from 'node:crypto';
import { JourneyRunner } from '../../src/journeys/journey-runner.js';
import { readPath } from '../../src/journeys/path.js';
import type { JourneyStepRow } from '../../src/store/schema.js';
import type { TestApp } from '../support/test-app.js';
import { KEY as RECEIPT_KEY } from '../receipts/support.js';
import type { ScriptedReceiver } from '../delivery/support.js';
import { expectStatus, type Parsed } from '../support/test-app.js';
import type { SeedUser } from '../support/audiences.js';
import { journeyCohorts, memberInstances, type MemberInstance } from '../../src/journeys/cohort-store.js';

export { expectStatus };
export { seedAudience, type SeedUser } from '../support/audiences.js';

export const MINUTE = 60_000;

let seq = 0;

/** `count` users `<prefix>000..` with an OPEN_ID and a name. */
export function someUsers(count: number, prefix: string): SeedUser[] {
  return Array.from({ length: count }, (_, i) => ({ customerId: `${prefix}${String(i).padStart(4, '0')}`, ids: { OPEN_ID: `open-${prefix}${i}` }, attributes: { name: `User ${i}` } }));
}

/** An enabled webhook at `url` with a text parameter `coupon` and receipts 200/FAIL, signed with the receipts tests' key. */
export async function createJourneyWebhook(t: TestApp, url: string): Promise<string> {
  const res = await t.request('POST', '/api/v1/webhooks', {
    name: `Journey hook ${++seq}`,
    authMethod: 'key',
    key: RECEIPT_KEY,
    url,
    idTypes: ['OPEN_ID'],
    parameters: [{ name: 'coupon', displayName: 'Coupon', type: 'text', required: true }],
    passEnvironment: false,
    receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Success' }, { code: 'FAIL', value: 'Failed' }] },
  });
  return expectStatus(res, 201).id;
}

/** Creates a journey through the API and publishes it; returns its id. */
export async function publishedJourney(t: TestApp, body: unknown): Promise<string> {
  const id = expectStatus(await t.request('POST', '/api/v1/journeys', body), 201).id;
  expectStatus(await t.request('POST', `/api/v1/journeys/${id}/publish`), 200);
  return id;
}

/** A runner over the test app's context and manual clock. */
export function journeyRunner(t: TestApp, workerId = `runner-${++seq}`): JourneyRunner {
  return new JourneyRunner({ ctx: t.ctx, workerId, pollIntervalMs: 20 });
}

/** Every user message the receiver got, in order. */
export function receivedMessages(receiver: ScriptedReceiver): WebhookUserMessage[] {
  return receiver.requests.flatMap((r) => JSON.parse(r.body) as WebhookUserMessage[]);
}

/** A receipt for a received message, as the integrator reports it. */
export function receiptOf(message: WebhookUserMessage, status: string): WebHookCallBackMessage {
  return { msg_id: randomBytes(16).toString('hex'), status, cst_id: message.user_profile.customer_id, send_time: String(Date.now()), callback_params: { ...message.callback_params } };
}

/** The journey's stats node by id. */
export async function nodeStats(t: TestApp, journeyId: string): Promise<Record<string, Parsed>> {
  const detail = expectStatus(await t.request('GET', `/api/v1/journeys/${journeyId}`), 200);
  return Object.fromEntries((detail.stats.nodes as Parsed[]).map((n) => [n.nodeId, n]));
}

/** The users of a journey as instance rows, by customer: instances, and cohort members as instances. */
export async function instanceRows(t: TestApp, journeyId: string): Promise<(Omit<MemberInstance, 'last_batch_id' | 'last_action_id'> & { last_batch_id: string | null; last_action_id: string | null })[]> {
  const rows = await t.ctx.store.db.selectFrom('journey_instances').selectAll().where('journey_id', '=', journeyId).execute();
  const members = (await journeyCohorts(t.ctx.store.db, journeyId, { limit: 100_000 })).flatMap(memberInstances);
  const num = (v: number | null) => (v === null ? null : Number(v));
  const instances = rows.map((r) => ({ ...r, started_at: Number(r.started_at), exited_at: num(r.exited_at), node_entered_at: Number(r.node_entered_at), due_at: num(r.due_at) }));
  return [...instances, ...members].sort((a, b) => a.customer_id.localeCompare(b.customer_id));
}

/** Every finished node visit of a journey's users (read from their paths), optionally of one node. */
export async function journeySteps(t: TestApp, journeyId: string, nodeId?: string): Promise<JourneyStepRow[]> {
  const rows = await instanceRows(t, journeyId);
  return rows.flatMap((r) => readPath({ id: r.id, journey_id: journeyId, path: r.path })).filter((s) => nodeId === undefined || s.node_id === nodeId);
}
