import type { FastifyInstance } from 'fastify';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startReceiver, type ReceiverHandle } from '@hookreach/receiver-kit';
import { loadConfig } from '../../../server/src/config.js';
import { startServer } from '../../../server/src/server.js';

export const ADMIN_TOKEN = 'hrk_e2e_admin_token_0123456789';
export const RECEIVER_KEY = 'e2e-receiver-key-123';
const CONSOLE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../../../docs/screenshots', import.meta.url));

/** Builds the console when its build is missing or stale (the same step as `npm start`'s prestart). */
export function ensureConsoleBuilt(): void {
  const result = spawnSync(process.execPath, [path.join(CONSOLE_ROOT, 'scripts', 'ensure-built.mjs')], { stdio: 'inherit' });
  if (result.status !== 0 || !fs.existsSync(path.join(CONSOLE_ROOT, 'dist', 'index.html'))) throw new Error('the console did not build');
}

/** A real Hookreach on a free loopback port, a temporary SQLite data dir and a known admin token, plus a local receiver. */
export interface Stack {
  baseUrl: string;
  receiver: ReceiverHandle;
  server: FastifyInstance;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookreach-e2e-'));
  const config = loadConfig({
    HOOKREACH_DATA_DIR: dataDir,
    HOOKREACH_ADMIN_TOKEN: ADMIN_TOKEN,
    HOOKREACH_ALLOW_NETWORKS: '127.0.0.1/32',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const server = await startServer(config, () => {});
  const baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  const receiver = await startReceiver({ key: RECEIVER_KEY, reportTo: baseUrl, reportDelayMs: 0 });
  return {
    baseUrl,
    receiver,
    server,
    async close() {
      await receiver.close();
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, with no network of its own beyond loopback use. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh page (own storage) at 1280x800 in English, downloads allowed. */
export async function newPage(browser: Browser, locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

/** Signs in through the sign-in screen with `token`. */
export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('current-member').waitFor();
}

/** Saves a screenshot of the page to docs/screenshots/<name>.png (overwritten each run). */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Calls the API directly (for setup a test is not about, and to check what the console did). */
export async function apiCall(baseUrl: string, method: string, url: string, body?: unknown, token = ADMIN_TOKEN): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/**
 * Picks `label` in the antd Select whose wrapper has data-testid `testId` (inside `scope`, default
 * the page); `search` is typed first for long (virtualised) lists.
 */
export async function choose(page: Page, testId: string, label: string | RegExp, scope = page.locator('body'), search?: string): Promise<void> {
  await scope.getByTestId(testId).click();
  if (search !== undefined) await page.keyboard.type(search);
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: label }).first().click();
}

/** What a test file drives: the whole stack, the browser and one page of it. */
export interface ConsoleSession {
  stack: Stack;
  browser: Browser;
  page: Page;
}

/**
 * Starts the stack and a browser page before the file's tests (filled into the returned object;
 * the file's own beforeAll runs after, for its seeding) and closes both after them. A failing test
 * leaves what the browser showed in $TMPDIR/hookreach-e2e-failure.png.
 */
export function useConsoleSession(): ConsoleSession {
  const session = {} as ConsoleSession;
  beforeAll(async () => {
    ensureConsoleBuilt();
    session.stack = await startStack();
    session.browser = await launchBrowser();
    session.page = await newPage(session.browser);
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') await session.page?.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/hookreach-e2e-failure.png` });
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.stack?.close();
  });
  return session;
}
