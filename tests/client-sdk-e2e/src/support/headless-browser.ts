import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (installed by tools/test-env/ensure-system-deps.mjs). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/*
 * Flags that work on a machine without outside network: no background services (their
 * connections would be refused, many at a time), no sandbox (root in a container).
 */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface HeadlessBrowser {
  page: Page;
  /** What the page printed and threw, for failure messages. */
  log: string[];
  close(): Promise<void>;
}

/** A fresh headless Chromium with its own empty profile directory. */
export async function openHeadlessBrowser(viewport = { width: 1280, height: 720 }): Promise<HeadlessBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'console-e2e-profile-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, viewport });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const log: string[] = [];
  page.on('console', (message) => log.push(`console.${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
  return {
    page,
    log,
    close: async () => {
      await context?.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
