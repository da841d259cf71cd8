import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, RECEIVER_KEY, apiCall, choose, screenshot, signIn, type Stack, useConsoleSession } from './support.js';

/** Drags from a node's exit handle to another node's entry handle, as a user connects them. */
async function connect(page: Page, from: string, exit: string, to: string): Promise<void> {
  const source = page.locator(`.react-flow__node[data-id="${from}"] .react-flow__handle.source[data-handleid="${exit}"]`);
  const target = page.locator(`.react-flow__node[data-id="${to}"] .react-flow__handle.target`);
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
  await page.getByTestId(`rf__edge-${from}:${exit}`).waitFor();
}

/** Clicks a node's title so its configuration panel opens. */
async function select(page: Page, id: string): Promise<void> {
  await page.getByTestId(`node-${id}`).locator('div').nth(0).click();
  await expect.poll(() => page.getByTestId('node-panel').locator('h5').innerText()).toContain(id);
}

describe('Console: a journey built on the canvas and published', () => {
  const session = useConsoleSession();
  let stack: Stack;
  let page: Page;
  let audienceId = '';
  let webhookId = '';
  let journeyId = '';

  beforeAll(async () => {
    ({ stack, page } = session);
    const audience = await apiCall(stack.baseUrl, 'POST', '/api/v1/audiences', { name: 'Newcomers', description: '' });
    audienceId = (audience.json as { id: string }).id;
    const csv = 'customer_id,OPEN_ID,name\nc1,open-1,Ann\nc2,open-2,Bob\n';
    const imported = await fetch(`${stack.baseUrl}/api/v1/audiences/${audienceId}/import`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/csv' }, body: csv });
    expect(imported.status).toBe(200);
    const webhook = await apiCall(stack.baseUrl, 'POST', '/api/v1/webhooks', {
      name: 'Coupon sender', authMethod: 'key', key: RECEIVER_KEY, url: `${stack.receiver.url}/hook`, idTypes: ['OPEN_ID'], passEnvironment: false,
      parameters: [{ name: 'define_item1', displayName: 'Coupon', type: 'string', required: true }],
      receipt: { enabled: true, retentionHours: 72, statuses: [{ code: '200', value: 'Delivered' }, { code: '500', value: 'Undeliverable' }] },
    });
    expect(webhook.status).toBe(201);
    webhookId = (webhook.json as { id: string; enabled: boolean }).id;
    if (!(webhook.json as { enabled: boolean }).enabled) expect((await apiCall(stack.baseUrl, 'POST', `/api/v1/webhooks/${webhookId}/enable`)).status).toBe(200);
  });

  it('creates a journey from the list and opens its canvas', async () => {
    await signIn(page, stack.baseUrl, ADMIN_TOKEN);
    await page.getByTestId('nav').getByText('Automated Marketing', { exact: true }).click();
    await page.waitForURL('**/journeys');
    await page.getByTestId('create-journey').click();
    await page.getByTestId('create-journey-name').fill('Welcome coupon');
    // Enter submits too (clicking OK while the dialog still animates in can be lost on a loaded machine).
    await page.getByTestId('create-journey-name').press('Enter');
    await page.waitForURL(/\/journeys\/[^/]+$/, { timeout: 30_000 });
    journeyId = page.url().split('/').pop()!;
    await page.getByTestId('node-end').waitFor();
    expect(await page.getByTestId('journey-status').innerText()).toBe('Draft');
  });

  it('builds the graph: entry, nodes from the palette, their panels, and errors named on the nodes', async () => {
    // Entry: the audience, at the default time (now), so it enters once published.
    await page.getByTestId('entry-type').getByText('An audience at a time').click();
    await choose(page, 'entry-audience', 'Newcomers');

    await page.getByTestId('add-webhook').click();
    await page.getByTestId('node-webhook_1').waitFor();
    await choose(page, 'node-webhook', 'Coupon sender', page.getByTestId('node-panel'));
    await expect.poll(() => page.getByTestId('node-id-type').innerText()).toContain('OPEN_ID');
    await page.getByTestId('node-param-define_item1').fill('C-42 for ${name}');
    await page.getByTestId('node-name').fill('Send coupon');

    await page.getByTestId('add-judgment').click();
    await page.getByTestId('node-judgment_1').waitFor();
    await page.getByTestId('add-end').click();
    await page.getByTestId('node-end_1').waitFor();

    // Saved unconnected: the API's validation errors show on the nodes they name.
    await page.getByTestId('save-journey').click();
    await page.getByTestId('journey-problems').waitFor();
    await page.getByTestId('node-judgment_1').getByTestId('node-errors').waitFor();
    expect(await page.getByTestId('journey-problems').innerText()).toContain('judgment_1');
    await page.getByTestId('journey-problems').locator('.ant-alert-close-icon').click();

    await connect(page, 'webhook_1', 'default', 'judgment_1');
    await connect(page, 'webhook_1', 'noId', 'end');
    await select(page, 'judgment_1');
    // The receipt statuses offered are the preceding webhook's.
    await page.getByTestId('node-results').getByText('Receipt 200 — Delivered').click();
    await page.getByTestId('node-max-wait-unit').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: 'Minutes' }).click();
    await page.getByTestId('node-max-wait-amount').fill('30');
    await page.getByTestId('node-name').fill('Receipt?');
    await connect(page, 'judgment_1', 'success', 'end_1');
    await connect(page, 'judgment_1', 'receipt:200', 'end_1');
    await connect(page, 'judgment_1', 'other', 'end_1');

    await page.getByTestId('save-journey').click();
    await expect.poll(() => page.getByTestId('unsaved').count()).toBe(0);
    expect(await page.getByTestId('journey-problems').count()).toBe(0);

    const saved = (await apiCall(stack.baseUrl, 'GET', `/api/v1/journeys/${journeyId}`)).json as { journey: { entry: unknown; nodes: unknown[]; edges: unknown[] } };
    expect(saved.journey.entry).toMatchObject({ type: 'audience', audienceId });
    expect(saved.journey.nodes).toEqual(expect.arrayContaining([
      { id: 'webhook_1', type: 'webhook', name: 'Send coupon', webhookId, idType: 'OPEN_ID', params: { define_item1: 'C-42 for ${name}' }, missingVariable: 'skip' },
      { id: 'judgment_1', type: 'judgment', name: 'Receipt?', wait: { minutes: 30 }, results: ['success', 'receipt:200'] },
    ]));
    expect(saved.journey.edges).toEqual(expect.arrayContaining([
      { from: 'webhook_1', to: 'judgment_1' }, { from: 'webhook_1', exit: 'noId', to: 'end' },
      { from: 'judgment_1', exit: 'receipt:200', to: 'end_1' }, { from: 'judgment_1', exit: 'other', to: 'end_1' },
    ]));
    expect(saved.journey.edges).toHaveLength(5);
  });

  it('publishes with confirmation and draws per-node counts once the runner sends', async () => {
    await page.getByTestId('publish-journey').click();
    await page.getByTestId('confirm-action').click();
    await expect.poll(() => page.getByTestId('journey-status').innerText()).toBe('Published');
    const webhookNode = page.getByTestId('node-webhook_1');
    await expect.poll(() => webhookNode.getByTestId('count-entered').textContent(), { timeout: 20_000 }).toBe('2');
    await expect.poll(() => webhookNode.getByTestId('count-sent').textContent(), { timeout: 20_000 }).toBe('2');
    expect(stack.receiver.stats.users).toBeGreaterThanOrEqual(2);
    // The receiver reports receipts; users are judged on them and leave the judgment node.
    await expect.poll(() => page.getByTestId('node-judgment_1').getByTestId('count-entered').textContent(), { timeout: 20_000 }).toBe('2');
    // The receiver reports a receipt per user: they are counted per status on the webhook node.
    await expect.poll(() => webhookNode.getByTestId('count-receipts').textContent(), { timeout: 20_000 }).toMatch(/^Receipts: .*\d/);
    await page.getByTestId('arrange').click();
    await screenshot(page, 'journey-canvas');
  });

  it('shows one user\'s path with times', async () => {
    await page.getByTestId('show-instances').click();
    await page.getByTestId('instances-search').locator('input').fill('c1');
    await page.getByTestId('instances-search').locator('input').press('Enter');
    await expect.poll(() => page.getByTestId('instance').count()).toBe(1);
    const steps = page.getByTestId('instance').getByTestId('instance-step');
    await expect.poll(() => steps.count()).toBeGreaterThanOrEqual(2);
    expect(await steps.first().innerText()).toContain('Send coupon');
  });

  it('pauses and stops with confirmation', async () => {
    await page.locator('.ant-drawer-close').click();
    await page.getByTestId('pause-journey').click();
    await page.getByTestId('confirm-action').click();
    await expect.poll(() => page.getByTestId('journey-status').innerText()).toBe('Paused');
    await page.getByTestId('resume-journey').click();
    await page.getByTestId('confirm-action').click();
    await expect.poll(() => page.getByTestId('journey-status').innerText()).toBe('Published');
    await page.getByTestId('stop-journey').click();
    await page.getByTestId('confirm-action').click();
    await expect.poll(() => page.getByTestId('journey-status').innerText()).toBe('Stopped');
    const after = (await apiCall(stack.baseUrl, 'GET', `/api/v1/journeys/${journeyId}`)).json as { journey: { status: string } };
    expect(after.journey.status).toBe('stopped');
    // Stopped: the canvas is read-only; the list shows it with its status.
    expect(await page.getByTestId('add-webhook').isDisabled()).toBe(true);
    await page.getByText('← All journeys').click();
    await page.getByTestId('journey-search').locator('input').fill('welcome');
    await page.getByTestId('journey-search').locator('input').press('Enter');
    await expect.poll(() => page.getByTestId('journey-table').locator('tr.ant-table-row').innerText()).toMatch(/Welcome coupon\s+Stopped\s+Version 1/);
    await page.getByTestId('journey-search').locator('input').fill('nothing like it');
    await page.getByTestId('journey-search').locator('input').press('Enter');
    await expect.poll(() => page.getByTestId('journey-table').locator('tr.ant-table-row').count()).toBe(0);
  });
});
