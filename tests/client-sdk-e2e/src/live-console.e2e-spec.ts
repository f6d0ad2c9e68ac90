import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { findWorkspaceRoot, type AppProcessHandle } from '@moonx-farm/test-env';
import { openHeadlessBrowser, type HeadlessBrowser } from './support/headless-browser';
import { startStandalone } from './support/standalone';

/*
 * The live console in a real headless Chromium against the standalone app: it connects, the
 * price ticks, the book proves itself with "checksum ok", a dev token shows the user's own
 * fills. The screenshot goes to tmp/live-console.png; with UPDATE_DOCS_SCREENSHOT=1 it also
 * replaces docs/images/live-console.png.
 */
describe('live console (GET /console)', () => {
  let app: AppProcessHandle;
  let browser: HeadlessBrowser | undefined;

  beforeAll(async () => {
    app = await startStandalone();
  }, 30000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, 30000);

  it('connects, ticks, shows a verified book and, signed in with a dev token, the user’s own fills', async () => {
    browser = await openHeadlessBrowser();
    const { page } = browser;
    const text = (testId: string) => page.locator(`[data-testid=${testId}]`).innerText();
    const waitForText = (testId: string, pattern: RegExp, timeout = 15000) =>
      page.waitForFunction(([id, source]) => new RegExp(source).test(document.querySelector(`[data-testid=${id}]`)?.textContent ?? ''), [testId, pattern.source] as const, { timeout });

    try {
      const response = await page.goto(`${app.url}/console`);
      expect(response?.status()).toBe(200);
      await waitForText('connection-state', /^connected$/);
      await waitForText('price', /\d/);
      const firstPrice = await text('price');
      await page.waitForFunction((first) => document.querySelector('[data-testid=price]')?.textContent !== first, firstPrice, { timeout: 15000 });
      expect(await text('price')).toMatch(/^[\d,]+(\.\d+)?$/);
      await waitForText('book-status', /^checksum ok$/);
      expect(await page.locator('[data-testid=book] tr.bid').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-testid=book] tr.ask').count()).toBeGreaterThan(0);
      await waitForText('trades', /@/);

      await page.click('[data-testid=sign-in]');
      await waitForText('who', /^signed in as demo-user$/);
      await waitForText('connection-state', /^connected$/);
      await waitForText('notifications', /fill (buy|sell) 0\.1 [A-Z]+-USDC/, 20000);

      await page.selectOption('[data-testid=pair]', 'ETH-USDC');
      await waitForText('book-status', /^checksum ok$/);
      await page.waitForFunction(() => {
        const price = Number((document.querySelector('[data-testid=price]')?.textContent ?? '').replace(/,/g, ''));
        return price > 1000 && price < 10000; // ETH around 2,500, not BTC's 45,000
      }, undefined, { timeout: 15000 });
      await page.selectOption('[data-testid=pair]', 'BTC-USDC');
      await waitForText('book-status', /^checksum ok$/);
      await waitForText('notifications', /portfolio/, 20000);
      // A fuller page for the screenshot: a few trades and notifications.
      await page.waitForFunction(() => document.querySelectorAll('[data-testid=trades] li').length >= 8 && document.querySelectorAll('[data-testid=notifications] li').length >= 4, undefined, { timeout: 20000 });

      const root = findWorkspaceRoot();
      const shots = [path.join(root, 'tmp', 'live-console.png')];
      if (process.env['UPDATE_DOCS_SCREENSHOT'] === '1') shots.push(path.join(root, 'docs', 'images', 'live-console.png'));
      for (const file of shots) {
        mkdirSync(path.dirname(file), { recursive: true });
        await page.screenshot({ path: file });
      }
      expect(browser.log.filter((line) => line.startsWith('page error'))).toEqual([]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- page log ---\n${browser.log.join('\n')}`);
    }
  }, 90000);

  it('is not served in production, nor when LIVE_CONSOLE_ENABLED=false', async () => {
    const started = await Promise.allSettled([
      startStandalone({ NODE_ENV: 'production', JWT_SECRET: 'live-console-e2e-secret-of-at-least-32-chars', SIMULATOR_ENABLED: 'false' }),
      startStandalone({ LIVE_CONSOLE_ENABLED: 'false', SIMULATOR_ENABLED: 'false' }),
    ]);
    const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    try {
      const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
      const [production, disabled] = running;
      for (const other of [production, disabled]) {
        expect((await fetch(`${other.url}/console`)).status).toBe(404);
        expect((await fetch(`${other.url}/console/live-console.js`)).status).toBe(404);
        expect((await fetch(`${other.url}/health`)).status).toBe(200);
      }
      expect((await fetch(`${app.url}/console/live-console.js`)).headers.get('content-type')).toMatch(/javascript/);
    } finally {
      await Promise.all(running.map((other) => other.stop()));
    }
  }, 60000);
});
