import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { TestApp } from '@campus/testing';
import { findConsoleDir } from '../../apps/api/src/console-static';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOTS = join(__dirname, '../../docs/screenshots');

/**
 * The built console (dist/console); built once here when `npm run build` has not made it yet.
 * Built for production as `npm run build` does: under jest NODE_ENV is `test`, and a test build of
 * antd gives every dialog title the same id, so dialogs lose their accessible names.
 */
export function ensureConsoleBuilt(): void {
  if (findConsoleDir()) return;
  execFileSync('npm', ['run', 'build', '-w', '@campus/console'], {
    cwd: join(__dirname, '../..'),
    stdio: 'ignore',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (!findConsoleDir()) throw new Error('the console did not build into dist/console');
}

/** Makes the test app listen on a free local port and returns its base URL. */
export async function listen(app: TestApp): Promise<string> {
  await app.api.listen(0, '127.0.0.1');
  const { port } = app.api.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Debian's Chromium, headless (the tests run as root in CI, hence no sandbox). */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-wqy-microhei (.ci/run does)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

export async function newPage(browser: Browser, opts: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Europe/London',
    ...opts,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
