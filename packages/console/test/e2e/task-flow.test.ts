import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, RECEIVER_KEY, apiCall, choose, screenshot, signIn, type Stack, useConsoleSession } from './support.js';

// c4 has no OPEN_ID (skipped: no ID), c5 no name (skipped: missing variable), line 7 has a column too many (rejected).
const CSV = 'customer_id,OPEN_ID,name\nc1,o1,Ann\nc2,o2,Bob\nc3,o3,Cid\nc4,,Dan\nc5,o5,\nc6,o6,Eve,extra\n';

/** The number a stat card shows (its data-value). */
async function stat(page: Page, key: string): Promise<number> {
  return Number(await page.getByTestId(`stat-${key}`).getAttribute('data-value'));
}

/** Sum of the "Users" column of the receipts-by-status table. */
async function receiptUsers(page: Page): Promise<number> {
  const cells = await page.getByTestId('receipt-table').locator('tbody tr.ant-table-row td:nth-child(4)').allTextContents();
  return cells.reduce((sum, c) => sum + Number(c), 0);
}

// The document's "create a task and see receipts arrive on its details page", in the browser.
describe('Console: audiences and Reach Marketing tasks end to end', () => {
  const session = useConsoleSession();
  let stack: Stack;
  let page: Page;
  let taskId = '';

  beforeAll(async () => {
    ({ stack, page } = session);
    const webhook = await apiCall(stack.baseUrl, 'POST', '/api/v1/webhooks', {
      name: 'Greeting sender', authMethod: 'key', key: RECEIVER_KEY, url: `${stack.receiver.url}/hook`, idTypes: ['OPEN_ID', 'MOBILE'],
      parameters: [{ name: 'define_item1', displayName: 'Greeting', type: 'text', required: true }],
      receipt: { enabled: true, retentionHours: 24, statuses: [{ code: '200', value: 'Success' }, { code: '500', value: 'Failed' }] },
    });
    expect(webhook.status).toBe(201);
  });

  it('creates an audience and uploads a CSV with a progress bar, then shows the counts and the rejected line', async () => {
    await signIn(page, stack.baseUrl, ADMIN_TOKEN);
    await page.getByTestId('nav').getByText('Audiences', { exact: true }).click();
    await page.waitForURL('**/audiences');
    await page.getByTestId('create-audience').click();
    await page.getByTestId('audience-name').fill('Spring buyers');
    await page.getByTestId('audience-ok').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-file').setInputFiles({ name: 'spring.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    expect(await dialog.getByTestId('import-file-name').innerText()).toContain('spring.csv');
    await dialog.getByTestId('import-ok').click();
    await dialog.getByTestId('import-result').waitFor();
    expect(await dialog.getByTestId('import-progress').innerText()).toContain('100');
    expect(await dialog.getByTestId('import-imported').innerText()).toBe('5');
    expect(await dialog.getByTestId('import-rejected-count').innerText()).toBe('1');
    expect(await dialog.getByTestId('import-size').innerText()).toBe('5');
    const rejected = await dialog.getByTestId('rejected-table').locator('tbody tr.ant-table-row').allInnerTexts();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatch(/^7\s+.*column/);
    await screenshot(page, 'audiences');
    await dialog.locator('.ant-modal-close').click();
    await expect.poll(() => page.getByTestId('audience-size').allInnerTexts()).toEqual(['5']);
  });

  it('creates a task through the form, with ${variable} help and a test send to one user of the audience', async () => {
    await page.getByTestId('nav').getByText('Reach Marketing', { exact: true }).click();
    await page.waitForURL('**/tasks');
    await page.getByTestId('create-task').click();
    await page.waitForURL('**/tasks/new');
    await page.getByTestId('task-name').fill('Spring greeting');
    await choose(page, 'task-audience', 'Spring buyers (5)');
    await choose(page, 'task-webhook', 'Greeting sender');
    expect(await page.getByTestId('task-id-type').innerText()).toContain('OPEN_ID');
    await page.getByTestId('task-param-define_item1').fill('Hello ${name}, spring sale today');
    expect(await page.getByTestId('task-form').innerText()).toContain('Use ${attribute}');
    // The API's field error shows inline: a broken variable.
    await page.getByTestId('task-param-define_item1').fill('Hello ${name');
    await page.getByTestId('task-ok').click();
    await expect.poll(() => page.getByTestId('task-form').locator('.ant-form-item-explain-error').allTextContents()).toEqual([expect.stringMatching(/\$\{|variable/i)]);
    await page.getByTestId('task-param-define_item1').fill('Hello ${name}, spring sale today');
    await page.getByTestId('test-customer-id').fill('c1');
    await page.getByTestId('task-test-send').click();
    await expect.poll(() => page.getByTestId('task-test-result').innerText()).toMatch(/o1/);
    expect(await page.getByTestId('task-test-result').getAttribute('class')).toContain('success');
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'task-create');
    await page.getByTestId('task-ok').click();
    await page.waitForURL(/\/tasks\/task_[^/]+$/);
    taskId = page.url().split('/').pop()!;
    const task = (await apiCall(stack.baseUrl, 'GET', `/api/v1/tasks/${taskId}`)).json as { task: Record<string, unknown> };
    expect(task.task).toMatchObject({ name: 'Spring greeting', idType: 'OPEN_ID', params: { define_item1: 'Hello ${name}, spring sale today' }, missingVariable: 'skip', schedule: { type: 'now' } });
  });

  it('shows the counts, and the receipts arriving on the details page without a reload', async () => {
    await page.getByTestId('task-details').waitFor();
    await expect.poll(() => stat(page, 'succeeded'), { timeout: 30_000 }).toBe(3);
    expect(await stat(page, 'audienceSize')).toBe(5);
    expect(await stat(page, 'skippedNoId')).toBe(1);
    expect(await stat(page, 'skippedMissing')).toBe(1);
    expect(await stat(page, 'sent')).toBe(3);
    expect(await stat(page, 'failed')).toBe(0);
    // The receiver reports one receipt per user (200 or 500 at random): they arrive by the auto-refresh.
    await expect.poll(() => receiptUsers(page), { timeout: 40_000, interval: 1000 }).toBe(3);
    const stats = (await apiCall(stack.baseUrl, 'GET', `/api/v1/tasks/${taskId}`)).json as { stats: { receipts: { status: string; users: number }[] } };
    const shown = await page.getByTestId('receipt-table').locator('tbody tr.ant-table-row').allInnerTexts();
    for (const r of stats.stats.receipts) expect(shown.some((line) => line.startsWith(r.status) && line.trim().endsWith(String(r.users)))).toBe(true);
    await expect.poll(() => page.getByTestId('task-status').innerText(), { timeout: 15_000 }).toBe('Finished');
    expect(await page.getByTestId('receipt-window').innerText()).toMatch(/Receipts accepted for (23|24):\d\d:\d\d more/);
    await page.getByTestId('timeline-chart').waitFor();
    expect(await page.getByTestId('timeline-chart').locator('rect').count()).toBeGreaterThan(0);
  });

  it('lists the recipients with filters and exports them as CSV', async () => {
    const rows = page.getByTestId('recipient-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(3);
    await expect.poll(() => page.getByTestId('recipient-receipt').count()).toBe(3);
    expect((await rows.allInnerTexts()).map((r) => r.split('\t')[0])).toEqual(['c1', 'c2', 'c3']);
    expect(await page.getByTestId('recipient-total').innerText()).toBe('3 recipients');
    await choose(page, 'filter-delivery', 'Failed');
    await expect.poll(() => rows.count()).toBe(0);
    await choose(page, 'filter-delivery', 'Succeeded');
    await expect.poll(() => rows.count()).toBe(3);
    await page.keyboard.press('Escape');
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'task-details');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toBe(`task-${taskId}-recipients.csv`);
    const lines = fs.readFileSync((await download.path())!, 'utf8').trim().split(/\r\n/);
    expect(lines[0]).toBe('customer_id,target_type,target_id,action_id,batch_id,status,sent_at,error,receipt_status,receipt_value,receipt_at');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['c1,OPEN_ID,o1', 'c2,OPEN_ID,o2', 'c3,OPEN_ID,o3']);
    expect(lines.slice(1).every((l) => /,succeeded,/.test(l) && /,(200,Success|500,Failed),/.test(l))).toBe(true);
  });

  it('explains why a finished task cannot be edited or cancelled, but can be deleted', async () => {
    await page.getByTestId('edit').hover();
    await expect.poll(() => page.locator('.ant-tooltip:visible').innerText()).toContain('The task is Finished');
    expect(await page.getByTestId('edit').isDisabled()).toBe(true);
    expect(await page.getByTestId('cancel').isDisabled()).toBe(true);
    expect(await page.getByTestId('delete').isDisabled()).toBe(false);
  });

  it('edits a task scheduled for tomorrow from the list, then deletes it', async () => {
    const tasks = (await apiCall(stack.baseUrl, 'GET', `/api/v1/tasks/${taskId}`)).json as { task: { audienceId: string; webhookId: string } };
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const created = await apiCall(stack.baseUrl, 'POST', '/api/v1/tasks', {
      name: 'Tomorrow greeting', audienceId: tasks.task.audienceId, webhookId: tasks.task.webhookId, idType: 'OPEN_ID',
      params: { define_item1: 'Hi ${name}' }, missingVariable: { replace: 'friend' }, schedule: { type: 'at', at },
    });
    expect(created.status).toBe(201);
    await page.getByTestId('nav').getByText('Reach Marketing', { exact: true }).click();
    const row = page.locator('tr.ant-table-row').filter({ hasText: 'Tomorrow greeting' });
    await row.getByTestId('edit').click();
    await page.waitForURL('**/edit');
    await expect.poll(() => page.getByTestId('task-name').inputValue()).toBe('Tomorrow greeting');
    expect(await page.getByTestId('task-replace').inputValue()).toBe('friend');
    expect(await page.getByTestId('task-form').locator('.ant-picker input').inputValue()).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    await page.getByTestId('task-name').fill('Tomorrow greeting v2');
    await page.getByTestId('task-ok').click();
    await page.waitForURL(/\/tasks\/task_[^/]+$/);
    await expect.poll(() => page.getByRole('heading', { level: 3 }).innerText()).toBe('Tomorrow greeting v2');
    expect(await page.getByTestId('task-status').innerText()).toBe('Pending');
    await page.getByTestId('delete').click();
    await page.getByTestId('confirm-delete').click();
    await page.waitForURL('**/tasks');
    await expect.poll(async () => ((await apiCall(stack.baseUrl, 'GET', '/api/v1/tasks')).json as { items: { name: string }[] }).items.map((x) => x.name)).toEqual(['Spring greeting']);
    await page.locator('tr.ant-table-row').filter({ hasText: 'Spring greeting' }).getByTestId('task-link').click();
  });

  it('reads on a phone, and in Chinese', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByTestId('task-details').waitFor();
    await expect.poll(() => stat(page, 'succeeded')).toBe(3);
    const overflow = await page.getByTestId('task-details').evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('language-switch').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '简体中文' }).click();
    await expect.poll(() => page.getByTestId('task-status').innerText()).toBe('已完成');
    expect(await page.getByTestId('stat-succeeded').innerText()).toContain('成功');
    expect(await page.getByTestId('stat-skippedNoId').innerText()).toContain('跳过：无 ID');
    const details = await page.getByTestId('task-details').innerText();
    for (const label of ['回执状态统计', '发送与回执趋势', '接收人', '导出 CSV', '最新回执']) expect(details).toContain(label);
    expect(await page.getByTestId('receipt-window').innerText()).toContain('还可接收回执');
  });
});
