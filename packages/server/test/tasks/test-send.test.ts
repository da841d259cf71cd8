import { afterAll, beforeAll, expect, it } from 'vitest';
import { scriptedReceiver, type ScriptedReceiver } from '../delivery/support.js';
import { describeEachDialect } from '../support/dialects.js';
import { useTestApp } from '../support/test-app.js';
import { createTaskWebhook, expectStatus, receivedUsers, seedAudience } from './support.js';

describeEachDialect('Tasks: test send from a draft', (dialect) => {
  const t = useTestApp(dialect);
  let receiver: ScriptedReceiver;
  let webhook: string;
  let audience: string;
  beforeAll(async () => {
    receiver = await scriptedReceiver();
    webhook = await createTaskWebhook(t(), receiver.url);
    audience = await seedAudience(t(), [
      { customerId: 'ann', ids: { OPEN_ID: 'open-ann' }, attributes: { name: 'Ann' } },
      { customerId: 'nameless', ids: { OPEN_ID: 'open-x' } },
      { customerId: 'mobile-only', ids: { MOBILE: '138' }, attributes: { name: 'Mo' } },
    ]);
  });
  afterAll(async () => receiver.close());

  const draft = { idType: 'OPEN_ID', params: { coupon: 'C-42', content: 'Hello ${name}, $${x}' } };

  it('sends the draft to a user of the audience, variables filled from their attributes, through the webhook test send', async () => {
    const res = await t().request('POST', '/api/v1/tasks/test-sends', { webhookId: webhook, audienceId: audience, customerId: 'ann', ...draft });
    const result = expectStatus(res, 201);
    expect(result).toMatchObject({ success: true, idType: 'OPEN_ID', targetId: 'open-ann' });
    expect(res.headers.location).toBe(`/api/v1/webhooks/${webhook}/test-sends/${result.id}`);
    expect(receivedUsers([receiver.requests.at(-1)!.body])).toEqual([{ customerId: 'ann', targetId: 'open-ann', params: { coupon: 'C-42', content: 'Hello Ann, ${x}' } }]);
    expect(expectStatus(await t().request('GET', `/api/v1/webhooks/${webhook}/test-sends`), 200).total).toBe(1);
  });

  it('sends to a typed ID with attributes given in the body; "replace" fills what is missing', async () => {
    expectStatus(await t().request('POST', '/api/v1/tasks/test-sends', { webhookId: webhook, targetId: 'typed-1', attributes: {}, missingVariable: { replace: 'there' }, ...draft }), 201);
    expect(receivedUsers([receiver.requests.at(-1)!.body])).toEqual([{ customerId: 'typed-1', targetId: 'typed-1', params: { coupon: 'C-42', content: 'Hello there, ${x}' } }]);
  });

  it('refuses a user the task would skip, an unknown user, both or neither of customerId and targetId, bad values', async () => {
    const sent = receiver.requests.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ audienceId: audience, customerId: 'nameless', ...draft }, 'params.content'],
      [{ audienceId: audience, customerId: 'mobile-only', ...draft }, 'customerId'],
      [{ audienceId: audience, customerId: 'ghost', ...draft }, 'customerId'],
      [{ customerId: 'ann', ...draft }, 'audienceId'],
      [{ audienceId: audience, customerId: 'ann', targetId: 'x', ...draft }, 'customerId'],
      [{ targetId: 'x', idType: 'OPEN_ID', params: { coupon: 'C', content: 'Hi ${' } }, 'params.content'],
      [{ targetId: 'x', idType: 'EMAIL', params: { coupon: 'C' } }, 'idType'],
      [{ targetId: 'x', idType: 'OPEN_ID', params: {} }, 'params.coupon'],
    ];
    for (const [body, path] of cases) {
      const res = expectStatus(await t().request('POST', '/api/v1/tasks/test-sends', { webhookId: webhook, ...body }), 400);
      expect(res.error.details.map((d: { path: string }) => d.path), JSON.stringify(body)).toContain(path);
    }
    expect(receiver.requests.length).toBe(sent);
  });
});
