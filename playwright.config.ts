/**
 * UI suites. The same specs run in two projects through one fixture (e2e/fixtures.ts):
 *   chromium-host — Debian's Chromium + the e2e test host (engine service behind a loopback WebSocket);
 *   electron      — the real app via _electron.launch, where an Electron binary exists
 *                   (node_modules/electron/dist or ELECTRON_PATH); skipped with a message elsewhere.
 */
import { defineConfig } from '@playwright/test';
import type { AppOptions } from './e2e/fixtures.js';

const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig<AppOptions>({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  // 2 shared cores, and each user runs its own host process (and Prosody for the chat specs).
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'chromium-host',
      use: {
        appKind: 'host',
        browserName: 'chromium',
        launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS },
      },
    },
    {
      name: 'electron',
      use: { appKind: 'electron' },
    },
  ],
});
