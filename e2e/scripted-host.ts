/**
 * A test host in the test process whose messaging is the scripted inbox (host/scripted-inbox.ts),
 * with alice signed in: for specs that drive incoming messages and send failures with no server.
 */
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { test } from './fixtures.js';
import type { ScriptedInbox } from './host/scripted-inbox.js';
import { startTestHost } from './host/server.js';
import { signIn } from './steps.js';

export const alice = { jid: 'alice@example.org', password: 'server-secret-1', passphrase: 'alice passphrase 1' };
/** The test host's --fast-kdf parameters (e2e/host/cli.ts). */
export const FAST_SCRYPT = { N: 2 ** 12, r: 8, p: 1 };

export async function withScriptedHost(
  browser: Browser,
  inbox: ScriptedInbox,
  run: (page: Page) => Promise<void>,
  options: { beforeLoad?: (page: Page) => Promise<unknown> } = {},
): Promise<void> {
  const host = await startTestHost({
    dataDir: join(test.info().outputPath('alice'), 'store'),
    distDir: join(import.meta.dirname, '..', 'dist'),
    scrypt: FAST_SCRYPT,
    messaging: inbox,
  });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await options.beforeLoad?.(page);
    await page.goto(host.url);
    await signIn(page, alice);
    await run(page);
  } finally {
    await context.close();
    await host.close();
  }
}
