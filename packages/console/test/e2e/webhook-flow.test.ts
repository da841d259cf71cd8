import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, RECEIVER_KEY, apiCall, choose, newPage, screenshot, signIn, type Stack, useConsoleSession } from './support.js';

/** The table row whose name cell is exactly `name`. */
function row(page: Page, name: string): Locator {
  return page.locator('tr.ant-table-row').filter({ has: page.getByText(name, { exact: true }) });
}

async function openMenu(page: Page, path: string, title: string): Promise<void> {
  await page.getByTestId('nav').getByText(title, { exact: true }).click();
  await page.waitForURL(`**${path}`);
}

// The document's "Follow these steps", in the browser: parameter, webhook, test and log, grant, member's view, copy, delete.
describe('Console: Webhook Management end to end', () => {
  const session = useConsoleSession();
  let stack: Stack;
  let page: Page;
  let memberToken = '';

  beforeAll(() => {
    ({ stack, page } = session);
  });

  it('refuses a wrong token, then signs the administrator in', async () => {
    await page.goto(`${stack.baseUrl}/webhooks`);
    await screenshot(page, 'sign-in');
    await page.getByTestId('token-input').fill('hrk_wrong_token_0000000000');
    await page.getByTestId('sign-in').click();
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toBeTruthy();
    await signIn(page, stack.baseUrl, ADMIN_TOKEN);
    await expect.poll(() => page.getByTestId('current-member').textContent()).toContain('Administrator');
    expect(page.url()).toMatch(/\/webhooks$/);
  });

  it('creates a constant-based webhook parameter', async () => {
    await openMenu(page, '/parameters', 'Webhook Parameter Management');
    await page.getByTestId('create-parameter').click();
    const dialog = page.getByTestId('parameter-dialog');
    await dialog.getByTestId('parameter-name').fill('Coupon');
    await dialog.getByTestId('value-name').first().fill('C100');
    await dialog.getByTestId('value-display-name').first().fill('100 off');
    await dialog.getByTestId('add-value').click();
    await dialog.getByTestId('value-name').nth(1).fill('bad value!');
    await page.getByTestId('parameter-ok').click();
    // The API's field error shows on the second value's field.
    await expect.poll(() => dialog.locator('.ant-form-item-explain-error').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/match|letters|pattern/i)]));
    await dialog.getByTestId('value-name').nth(1).fill('C200');
    await dialog.getByTestId('value-display-name').nth(1).fill('200 off');
    await expect.poll(() => dialog.locator('.ant-form-item-explain-error').count()).toBe(0);
    await page.getByTestId('parameter-ok').click();
    await row(page, 'Coupon').waitFor();
    const list = await apiCall(stack.baseUrl, 'GET', '/api/v1/parameters');
    expect((list.json as { items: { name: string; values: unknown[] }[] }).items).toEqual([expect.objectContaining({ name: 'Coupon', values: [{ name: 'C100', displayName: '100 off' }, { name: 'C200', displayName: '200 off' }] })]);
    await screenshot(page, 'parameters');
  });

  it('creates a webhook through the dialog: field errors inline, preview, parameter call and a receipt status', async () => {
    await openMenu(page, '/webhooks', 'Webhook Management');
    await page.getByTestId('create-webhook').click();
    const dialog = page.getByTestId('webhook-dialog');
    await dialog.getByTestId('field-name').fill('Coupon sender');
    await dialog.getByText('Key', { exact: true }).click();
    await dialog.getByTestId('field-key').fill(RECEIVER_KEY);
    await dialog.getByTestId('field-url').fill('ftp://not-http');
    await choose(page, 'field-id-types', '(OPEN_ID)', dialog, 'OPEN_ID');
    await page.keyboard.press('Escape');
    await dialog.getByTestId('add-parameter').click();
    await dialog.getByTestId('param-name').fill('define_item1');
    await dialog.getByTestId('param-display-name').fill('Coupon');
    await choose(page, 'param-type', 'String (parameter call)', dialog);
    await choose(page, 'param-call', 'Coupon', dialog);
    await dialog.getByTestId('param-required').check();
    await dialog.getByTestId('field-receipt').click();
    await dialog.getByTestId('add-status').click();
    await dialog.getByTestId('status-code').fill('200');
    await dialog.getByTestId('status-value').fill('Success');

    await page.getByTestId('webhook-ok').click();
    const urlItem = dialog.locator('.ant-form-item').filter({ has: page.getByTestId('field-url') });
    await expect.poll(() => urlItem.locator('.ant-form-item-explain-error').textContent()).toMatch(/http/);

    await dialog.getByTestId('field-url').fill(`${stack.receiver.url}/hook`);
    await page.getByTestId('preview-format').click();
    const preview = page.getByTestId('preview-dialog');
    await expect.poll(() => preview.getByTestId('preview-url').textContent()).toContain(`POST ${stack.receiver.url}/hook?timestamp=`);
    const body = JSON.parse((await preview.getByTestId('preview-body').textContent()) ?? '[]');
    expect(body[0].params).toEqual({ define_item1: 'C100' });
    expect(body[0].user_profile.target_type).toBe('OPEN_ID');
    await screenshot(page, 'preview-message-format');
    await preview.locator('.ant-modal-close').click();
    await screenshot(page, 'create-webhook');

    await page.getByTestId('webhook-ok').click();
    await row(page, 'Coupon sender').waitFor();
    const list = (await apiCall(stack.baseUrl, 'GET', '/api/v1/webhooks')).json as { items: Record<string, unknown>[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      name: 'Coupon sender', authMethod: 'key', keySet: true, url: `${stack.receiver.url}/hook`, idTypes: ['OPEN_ID'], enabled: true,
      parameters: [{ name: 'define_item1', displayName: 'Coupon', type: 'parameter', required: true }],
      receipt: { enabled: true, statuses: [{ code: '200', value: 'Success' }] },
    });
  });

  it('edits only while disabled, and the switch disables and enables it', async () => {
    const r = row(page, 'Coupon sender');
    expect(await r.getByTestId('edit').isDisabled()).toBe(true);
    await r.getByTestId('enabled-switch').click();
    await expect.poll(async () => ((await apiCall(stack.baseUrl, 'GET', '/api/v1/webhooks')).json as { items: { enabled: boolean }[] }).items[0]?.enabled).toBe(false);
    await expect.poll(() => r.getByTestId('edit').isDisabled()).toBe(false);
    // Saved receipt statuses are shown locked in the Edit dialog.
    await r.getByTestId('edit').click();
    const dialog = page.getByTestId('webhook-dialog');
    await dialog.getByTestId('status-locked').waitFor();
    expect(await dialog.getByTestId('status-code').isDisabled()).toBe(true);
    await dialog.locator('.ant-modal-close').first().click();
    await r.getByTestId('enabled-switch').click();
    await expect.poll(async () => ((await apiCall(stack.baseUrl, 'GET', '/api/v1/webhooks')).json as { items: { enabled: boolean }[] }).items[0]?.enabled).toBe(true);
    await expect.poll(() => r.getByTestId('enabled-switch').getAttribute('aria-checked')).toBe('true');
  });

  it('test-sends to the local receiver, shows the result inline and downloads the log', async () => {
    const before = stack.receiver.stats.accepted;
    await row(page, 'Coupon sender').getByTestId('test-send').click();
    const dialog = page.getByTestId('test-dialog');
    await dialog.getByTestId('test-target-id').fill('1917810');
    await choose(page, 'param-option', '100 off', dialog);
    await page.getByTestId('test-ok').click();
    const result = dialog.getByTestId('test-result');
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain('Test successful');
    expect(stack.receiver.stats.accepted).toBe(before + 1);
    await screenshot(page, 'test-send');

    const [download] = await Promise.all([page.waitForEvent('download'), result.getByTestId('download-log').click()]);
    expect(download.suggestedFilename()).toMatch(/\.(log|txt)$/);
    const log = fs.readFileSync((await download.path())!, 'utf8');
    expect(log).toContain('1917810');
    expect(log).toContain('X-QA-Hmac-Signature');
    expect(log).not.toContain(RECEIVER_KEY);
    await dialog.locator('.ant-modal-close').first().click();
    await expect.poll(() => row(page, 'Coupon sender').getByTestId('latest-test').textContent()).toContain('Success');
    await screenshot(page, 'webhooks');
  });

  it('creates a role with the webhook permission and a member holding it, with a token shown once', async () => {
    await openMenu(page, '/access/roles', 'Roles');
    await page.getByTestId('create-role').click();
    await page.getByTestId('role-name').fill('Marketer');
    await page.getByText('User Marketing-Reach Marketing-Webhook').click();
    await page.getByTestId('role-ok').click();
    await row(page, 'Marketer').waitFor();

    await openMenu(page, '/access/members', 'Workspace Members');
    await page.getByTestId('create-member').click();
    await page.getByTestId('member-name').fill('Mia');
    await page.getByTestId('member-email').fill('mia@example.com');
    await choose(page, 'member-roles', 'Marketer');
    await page.keyboard.press('Escape');
    await page.getByTestId('member-ok').click();
    await row(page, 'Mia').waitFor();
    await screenshot(page, 'members');
    await row(page, 'Mia').getByRole('button', { name: 'API Tokens' }).click();
    const tokens = page.getByTestId('tokens-dialog');
    await tokens.getByTestId('token-name').fill('console');
    await tokens.getByTestId('create-token').click();
    memberToken = (await tokens.getByTestId('created-token').locator('> :first-child').or(tokens.getByTestId('created-token')).first().innerText()).trim();
    expect(memberToken).toMatch(/^hrk_/);
    await tokens.locator('.ant-modal-close').click();
  });

  it('grants the webhook to the member', async () => {
    await openMenu(page, '/webhooks', 'Webhook Management');
    await apiCall(stack.baseUrl, 'POST', '/api/v1/webhooks', { name: 'Not granted', authMethod: 'none', url: `${stack.receiver.url}/other`, idTypes: ['OPEN_ID'] });
    await page.reload();
    await row(page, 'Coupon sender').getByTestId('more').click();
    await page.getByRole('menuitem', { name: 'Grant' }).click();
    const dialog = page.getByTestId('grant-dialog');
    await choose(page, 'grant-subjects', 'Mia', dialog);
    await page.keyboard.press('Escape');
    await page.getByTestId('grant-ok').click();
    await dialog.getByTestId('grant-table').getByText('Mia', { exact: true }).waitFor();
    // Switching the method warns that the member grants will be revoked.
    await dialog.getByText('By Member Group').click();
    await dialog.getByTestId('grant-switch-warning').waitFor();
    await screenshot(page, 'grant');
    await dialog.locator('.ant-modal-close').click();
  });

  it('shows the member only the webhook granted to them, and no configuration', async () => {
    const memberPage = await newPage(session.browser);
    await signIn(memberPage, stack.baseUrl, memberToken);
    await row(memberPage, 'Coupon sender').waitFor();
    expect(await memberPage.locator('tr.ant-table-row').count()).toBe(1);
    expect(await memberPage.getByText('Not granted').count()).toBe(0);
    const nav = await memberPage.getByTestId('nav').innerText();
    expect(nav).toContain('Webhook Management');
    expect(nav).not.toContain('Webhook Parameter Management');
    expect(nav).not.toContain('Workspace Members');
    expect(await memberPage.getByTestId('create-webhook').isDisabled()).toBe(true);
    expect(await row(memberPage, 'Coupon sender').getByTestId('enabled-switch').isDisabled()).toBe(true);
    await screenshot(memberPage, 'member-view');
    await memberPage.context().close();
  });

  it('copies a webhook (disabled) and deletes it; deleting an enabled one shows why not', async () => {
    await row(page, 'Coupon sender').getByTestId('more').click();
    await page.getByRole('menuitem', { name: 'Copy' }).click();
    const dialog = page.getByTestId('webhook-dialog');
    expect(await dialog.getByTestId('field-name').inputValue()).toBe('Coupon sender (copy)');
    await page.getByTestId('webhook-ok').click();
    const copy = row(page, 'Coupon sender (copy)');
    await copy.waitFor();
    expect(await copy.getByTestId('enabled-switch').getAttribute('aria-checked')).toBe('false');

    await row(page, 'Coupon sender').getByTestId('more').click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page.getByTestId('confirm-delete').click();
    await expect.poll(() => page.getByTestId('delete-blocked').textContent()).toMatch(/disable/i);
    await page.locator('.ant-modal-confirm-btns button').last().click();

    await copy.getByTestId('more').click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page.getByTestId('confirm-delete').click();
    await expect.poll(() => copy.count(), { timeout: 10_000 }).toBe(0);
    const names = ((await apiCall(stack.baseUrl, 'GET', '/api/v1/webhooks')).json as { items: { name: string }[] }).items.map((w) => w.name).sort();
    expect(names).toEqual(['Coupon sender', 'Not granted']);
  });
});
