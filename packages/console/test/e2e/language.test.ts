import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, apiCall, screenshot, signIn, type Stack, useConsoleSession } from './support.js';

describe('Console: English and 简体中文', () => {
  const session = useConsoleSession();
  let stack: Stack;
  let page: Page;

  beforeAll(async () => {
    ({ stack, page } = session);
    await apiCall(stack.baseUrl, 'POST', '/api/v1/webhooks', { name: 'Coupon sender', authMethod: 'none', url: `${stack.receiver.url}/hook`, idTypes: ['OPEN_ID', 'MOBILE'] });
  });

  it('switches the whole console to Chinese from the header, and remembers it', async () => {
    await signIn(page, stack.baseUrl, ADMIN_TOKEN);
    expect(await page.getByRole('heading', { level: 3 }).innerText()).toBe('Webhook Management');
    await page.getByTestId('language-switch').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '简体中文' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 3 }).innerText()).toBe('Webhook 管理');
    expect(await page.getByTestId('create-webhook').innerText()).toContain('新建 Webhook');
    expect(await page.getByTestId('nav').innerText()).toContain('Webhook 参数管理');
    // antd's own texts follow (pagination, empty states) and dates use the Chinese locale.
    expect(await page.locator('thead').innerText()).toContain('发送 ID 类型');
    await screenshot(page, 'webhooks-zh');
    await page.getByTestId('create-webhook').click();
    expect(await page.getByTestId('webhook-dialog').innerText()).toContain('添加模板参数');
    await screenshot(page, 'create-webhook-zh');
    await page.reload();
    await expect.poll(() => page.getByRole('heading', { level: 3 }).innerText()).toBe('Webhook 管理');
  });
});
