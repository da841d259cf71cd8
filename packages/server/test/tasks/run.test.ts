import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { postReceipts } from '../receipts/support.js';
import { createMember, createRole, HOUR, putGrants } from '../access/support.js';
import { isolateWebhooks, useScriptedReceiver } from '../delivery/support.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createTask, createTaskWebhook, dispatcher, expectStatus, KEY, receivedUsers, runner, runToEnd, seedAudience, taskBody, type SeedUser } from './support.js';

/** The audience of the variable tests: one of each kind of user. */
const MIXED: SeedUser[] = [
  { customerId: 'c1', ids: { OPEN_ID: 'o1' }, attributes: { name: 'Ann', city: 'Hangzhou' } },
  { customerId: 'c2', ids: { OPEN_ID: 'o2' }, attributes: { city: 'Beijing' } },
  { customerId: 'c3', ids: { MOBILE: '13800000003' }, attributes: { name: 'Cy' } },
  { customerId: 'c4', ids: { OPEN_ID: 'o4' }, attributes: { name: '   ' } },
  { customerId: 'c5', ids: { OPEN_ID: 'o5', MOBILE: '13800000005' }, attributes: { name: 'Bob', city: 'Shanghai' } },
  { customerId: 'c6', ids: { OPEN_ID: '' }, attributes: { name: 'Dee' } },
];

describeEachDialect('Tasks: execution, stats, recipients', (dialect) => {
  const t = useTestApp(dialect);
  isolateWebhooks(t);
  const receiver = useScriptedReceiver('test');

  it('fills ${attribute} variables per user; "skip" skips users lacking one; users without the ID type are skipped and counted', async () => {
    const webhook = await createTaskWebhook(t(), receiver.url);
    const audience = await seedAudience(t(), MIXED);
    const task = await createTask(t(), taskBody(audience, webhook, { params: { coupon: 'C-42', content: 'Hello ${name} from ${city}, $${literal}' } }));
    const details = await runToEnd(t(), task.id);
    expect(receivedUsers(receiver.requests.map((r) => r.body))).toEqual([
      { customerId: 'c1', targetId: 'o1', params: { coupon: 'C-42', content: 'Hello Ann from Hangzhou, ${literal}' } },
      { customerId: 'c5', targetId: 'o5', params: { coupon: 'C-42', content: 'Hello Bob from Shanghai, ${literal}' } },
    ]);
    expect(details.task.status).toBe('finished');
    expect(details.stats).toMatchObject({ audienceSize: 6, read: 6, skipped: { noId: 2, missingVariable: 2 }, enqueued: 2, sent: 2, succeeded: 2, failed: 0 });
  });

  it('"replace" puts the default text in place of each missing value', async () => {
    const webhook = await createTaskWebhook(t(), receiver.url);
    const audience = await seedAudience(t(), MIXED);
    const task = await createTask(t(), taskBody(audience, webhook, { idType: 'MOBILE', missingVariable: { replace: 'friend' }, params: { coupon: 'C-1', content: 'Hi ${name} (${city})' } }));
    const details = await runToEnd(t(), task.id);
    expect(receivedUsers(receiver.requests.map((r) => r.body))).toEqual([
      { customerId: 'c3', targetId: '13800000003', params: { coupon: 'C-1', content: 'Hi Cy (friend)' } },
      { customerId: 'c5', targetId: '13800000005', params: { coupon: 'C-1', content: 'Hi Bob (Shanghai)' } },
    ]);
    expect(details.stats).toMatchObject({ skipped: { noId: 4, missingVariable: 0 }, enqueued: 2, succeeded: 2 });
  });

  it('cuts full batches across pages; stats, recipients and receipts match what the receiver saw', async () => {
    // Every third request is refused for good ({"code":"FAIL"}: not retryable).
    receiver.script = (_request, index) => ({ body: index % 3 === 2 ? { code: 'FAIL', message: 'quota' } : { code: 'OK', message: '' } });
    const webhook = await createTaskWebhook(t(), receiver.url);
    const audience = await seedAudience(t(), 250);
    const task = await createTask(t(), taskBody(audience, webhook, { batchSize: 40 }));
    const details = await runToEnd(t(), task.id, runner(t(), { pageSize: 50 }));

    const bodies = receiver.requests.map((r) => JSON.parse(r.body) as { user_profile: { customer_id: string }; callback_params: Record<string, string> }[]);
    expect(bodies.map((b) => b.length)).toEqual([40, 40, 40, 40, 40, 40, 10]);
    const failedUsers = bodies.filter((_, i) => i % 3 === 2).flat().map((m) => m.user_profile.customer_id);
    const okUsers = bodies.filter((_, i) => i % 3 !== 2).flat();
    expect(details.stats).toMatchObject({
      audienceSize: 250, read: 250, enqueued: 250, sent: 250, succeeded: okUsers.length, failed: failedUsers.length,
      users: { pending: 0, succeeded: okUsers.length, failed: failedUsers.length, cancelled: 0 },
      batches: { total: 7, pending: 0, succeeded: 5, failed: 2, cancelled: 0 },
    });
    expect(new Set(bodies.flat().map((m) => m.user_profile.customer_id)).size).toBe(250);

    // Receipts for the first 30 delivered users: 20 "200", 10 "FAIL".
    const receipts = okUsers.slice(0, 30).map((m, i) => ({
      msg_id: randomBytes(8).toString('hex'), status: i < 20 ? '200' : 'FAIL', cst_id: m.user_profile.customer_id, send_time: m.callback_params.send_time!, callback_params: m.callback_params,
    }));
    t().clock.advance(1000);
    expectStatus(await postReceipts(t(), receipts, { key: KEY }), 200);
    const after = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}`), 200);
    expect(after.stats.receipts).toEqual([
      { status: '200', value: 'Success', count: 20, users: 20 },
      { status: 'FAIL', value: 'Failed', count: 10, users: 10 },
    ]);
    const lastSent = Math.max(...(await t().ctx.store.db.selectFrom('delivery_batches').select('finished_at').where('task_id', '=', task.id).where('status', '=', 'succeeded').execute()).map((b) => Number(b.finished_at)));
    expect(after.stats.receiptWindow).toEqual({ retentionHours: 72, closesAt: new Date(lastSent + 72 * HOUR).toISOString(), remainingMs: lastSent + 72 * HOUR - t().clock.now() });

    // Every recipient, page by page.
    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const page = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}/recipients?limit=30${cursor ? `&after=${cursor}` : ''}`), 200);
      expect(page.total).toBe(250);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(250);
    expect(new Set(seen.map((r) => r.customerId)).size).toBe(250);
    const failedRow = seen.find((r) => r.customerId === failedUsers[0])!;
    expect(failedRow).toMatchObject({ status: 'failed', sentAt: null, error: expect.stringContaining('quota'), receiptStatus: null });
    const withReceipt = seen.find((r) => r.customerId === receipts[25]!.cst_id)!;
    expect(withReceipt).toMatchObject({ status: 'succeeded', error: null, receiptStatus: 'FAIL', receiptValue: 'Failed', receiptAt: new Date(t().clock.now()).toISOString() });

    const failedPage = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}/recipients?status=failed&limit=1000`), 200);
    expect(failedPage.items.map((r: { customerId: string }) => r.customerId).sort()).toEqual([...failedUsers].sort());
    expect(failedPage.total).toBe(failedUsers.length);
    const receiptPage = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}/recipients?receiptStatus=200&limit=1000`), 200);
    expect(receiptPage.items.map((r: { customerId: string }) => r.customerId).sort()).toEqual(receipts.slice(0, 20).map((r) => r.cst_id).sort());
    expect(receiptPage.total).toBeNull();
    const without = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}/recipients?hasReceipt=false&status=succeeded&limit=1000`), 200);
    expect(without.items).toHaveLength(okUsers.length - 30);
    // Paged by 7, a receipt filter walks its batches a few at a time: the same users, in the same order.
    const paged: { customerId: string }[] = [];
    let next: string | null = null;
    do {
      const page = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}/recipients?hasReceipt=false&status=succeeded&limit=7${next ? `&after=${next}` : ''}`), 200);
      expect(page.items.length).toBeLessThanOrEqual(7);
      paged.push(...page.items);
      next = page.nextCursor;
    } while (next);
    expect(paged.map((r) => r.customerId)).toEqual(without.items.map((r: { customerId: string }) => r.customerId));
    const withAny = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}/recipients?hasReceipt=true&limit=1000`), 200);
    expect(withAny.items.map((r: { customerId: string }) => r.customerId).sort()).toEqual(receipts.map((r) => r.cst_id).sort());
    // Only batches with a count of the code are read; a code nobody reported finds no one.
    const failPage = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}/recipients?receiptStatus=FAIL&limit=1000`), 200);
    expect(failPage.items.map((r: { customerId: string }) => r.customerId).sort()).toEqual(receipts.slice(20).map((r) => r.cst_id).sort());
    expect(expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}/recipients?receiptStatus=NONE&limit=1000`), 200).items).toEqual([]);

    // The whole list as CSV.
    const csv = await t().request('GET', `/api/v1/tasks/${task.id}/recipients?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="task-${task.id}-recipients.csv"`);
    const lines = csv.body.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe('customer_id,target_type,target_id,action_id,batch_id,status,sent_at,error,receipt_status,receipt_value,receipt_at');
    expect(lines).toHaveLength(251);
    const byCustomer = new Map(lines.slice(1).map((l) => [l.split(',')[0], l.split(',')]));
    expect(byCustomer.get(failedUsers[0]!)![5]).toBe('failed');
    expect(byCustomer.get(receipts[0]!.cst_id)!.slice(8, 10)).toEqual(['200', 'Success']);
    const failedCsv = await t().request('GET', `/api/v1/tasks/${task.id}/recipients?format=csv&status=failed`);
    expect(failedCsv.body.split('\r\n').filter((l) => l !== '')).toHaveLength(failedUsers.length + 1);
  });

  it('quotes CSV cells and defuses spreadsheet formulas, keeping phone numbers as they are', async () => {
    const webhook = await createTaskWebhook(t(), receiver.url);
    const audience = await seedAudience(t(), [
      { customerId: '=HYPERLINK("http://x","y")', ids: { MOBILE: '+8613800000000' } },
      { customerId: 'plain', ids: { MOBILE: '-12' } },
    ]);
    const task = await createTask(t(), taskBody(audience, webhook, { idType: 'MOBILE', params: { coupon: 'C' } }));
    await runToEnd(t(), task.id);
    const csv = await t().request('GET', `/api/v1/tasks/${task.id}/recipients?format=csv`);
    const lines = csv.body.split('\r\n');
    expect(lines[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/x"",""y""\)",MOBILE,\+8613800000000,/);
    expect(lines[2]).toMatch(/^plain,MOBILE,-12,/);
  });

  it('waits for a scheduled time on the controllable clock, then sends', async () => {
    const webhook = await createTaskWebhook(t(), receiver.url);
    const audience = await seedAudience(t(), 3);
    const task = await createTask(t(), taskBody(audience, webhook, { schedule: { type: 'at', at: new Date(t().clock.now() + HOUR).toISOString() } }));
    const r = runner(t());
    expect(await r.runOnce()).toMatchObject({ claimed: 0 });
    t().clock.advance(HOUR - 1);
    expect(await r.runOnce()).toMatchObject({ claimed: 0 });
    expect(expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}`), 200).task.status).toBe('pending');
    t().clock.advance(1);
    expect(await r.runOnce()).toMatchObject({ claimed: 1, pages: 1 });
    const details = await runToEnd(t(), task.id, r);
    expect(details.task).toMatchObject({ status: 'finished', startedAt: new Date(task.sendAt).toISOString() });
    expect(receivedUsers(receiver.requests.map((q) => q.body)).map((u) => u.customerId)).toEqual(['c00000', 'c00001', 'c00002']);
  });

  it('fails a task whose creator lost the grant before the send time, with the reason, sending nothing', async () => {
    const webhook = await createTaskWebhook(t(), receiver.url);
    const audience = await seedAudience(t(), 3);
    const member = await createMember(t(), 'Scheduler', [await createRole(t(), `Scheduler ${Math.random()}`)]);
    expectStatus(await putGrants(t(), webhook, 'member', [{ memberId: member.id, validUntil: new Date(t().clock.now() + HOUR).toISOString() }]), 200);
    const task = await createTask(t(), taskBody(audience, webhook, { schedule: { type: 'at', at: new Date(t().clock.now() + 2 * HOUR).toISOString() } }), member.token);
    t().clock.advance(2 * HOUR);
    expect(await runner(t()).runOnce()).toMatchObject({ claimed: 1, failed: 1, pages: 0 });
    const details = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}`), 200);
    expect(details.task).toMatchObject({ status: 'failed', failure: { code: 'GRANT_REQUIRED', message: expect.stringContaining('expired') }, deletable: true });
    expect(details.stats.batches.total).toBe(0);
    await dispatcher(t()).drain();
    expect(receiver.requests).toHaveLength(0);
  });

  it('finishes at once a task with nobody to send to', async () => {
    const webhook = await createTaskWebhook(t(), receiver.url);
    const audience = await seedAudience(t(), [{ customerId: 'x', ids: { MOBILE: '1' } }]);
    const task = await createTask(t(), taskBody(audience, webhook));
    expect(await runner(t()).runOnce()).toMatchObject({ claimed: 1, finished: 1 });
    const details = expectStatus(await t().request('GET', `/api/v1/tasks/${task.id}`), 200);
    expect(details.task.status).toBe('finished');
    expect(details.stats).toMatchObject({ read: 1, skipped: { noId: 1, missingVariable: 0 }, enqueued: 0 });
  });
});
