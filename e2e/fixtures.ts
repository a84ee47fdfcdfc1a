/**
 * "Open the app for user X", whatever runs it: the test host in Chromium, or the real
 * Electron app. Specs use only `openApp` and the returned handle, so one spec serves both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test as base, _electron, type Browser, type ElectronApplication, type Page } from '@playwright/test';

export interface AppOptions {
  appKind: 'host' | 'electron';
}

export interface OpenOptions {
  /** PEM file of the XMPP server's CA (the throwaway Prosody's). */
  readonly caFile?: string;
}

export interface AppHandle {
  readonly user: string;
  page: Page;
  /** Whether a messaging engine is attached (chat specs skip without one). */
  readonly messaging: boolean;
  /** The user's encrypted store folder (specs may inspect it once the app is closed). */
  readonly storeDir: string;
  /** Quits the app (the user goes offline); the profile stays. */
  stop(): Promise<void>;
  /** Starts it again on the same profile; `page` is replaced. */
  start(): Promise<Page>;
  /** stop() then start(). */
  restart(): Promise<Page>;
  close(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..');

export function electronBinary(): string | undefined {
  const candidates = [process.env['ELECTRON_PATH'], join(ROOT, 'node_modules/electron/dist/electron')];
  return candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
}

interface HostProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly messaging: boolean;
}

async function startHostProcess(dataDir: string, options: OpenOptions): Promise<HostProcess> {
  const args = ['--import', 'tsx', join(ROOT, 'e2e/host/cli.ts'), '--data-dir', dataDir, '--fast-kdf'];
  if (options.caFile) args.push('--ca', options.caFile);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ url: string; messaging: boolean }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('test host did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`test host exited with ${code}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('PARLEY_HOST ')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice('PARLEY_HOST '.length)) as { url: string; messaging: boolean });
    });
  });
  return { child, ...ready };
}

async function stopHostProcess(host: HostProcess): Promise<void> {
  if (host.child.exitCode !== null) return;
  const exited = new Promise((resolve) => host.child.once('exit', resolve));
  host.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (host.child.exitCode === null) host.child.kill('SIGKILL');
}

export const test = base.extend<AppOptions & { openApp: (user: string, options?: OpenOptions) => Promise<AppHandle> }>({
  appKind: ['host', { option: true }],

  openApp: async ({ appKind, playwright, launchOptions }, use, testInfo) => {
    const profiles = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
    const closers: (() => Promise<void>)[] = [];
    // The browser is launched here, not through the `browser` fixture, so the electron project never starts one.
    let browser: Browser | undefined;
    if (appKind === 'electron' && electronBinary() === undefined) {
      testInfo.skip(true, 'No Electron binary here (node_modules/electron/dist or ELECTRON_PATH): the real-app project is skipped; chromium-host runs the same specs.');
    }

    await use(async (user, options = {}) => {
      const dataDir = join(profiles, user);
      if (appKind === 'electron') {
        let app: ElectronApplication;
        const launch = async () => {
          app = await _electron.launch({
            executablePath: electronBinary()!,
            args: [join(ROOT, 'dist/electron/main.mjs')],
            env: { ...process.env, PARLEY_USER_DATA: dataDir, ...(options.caFile !== undefined && { PARLEY_XMPP_CA: options.caFile }) } as Record<string, string>,
          });
          return app.firstWindow();
        };
        const handle: AppHandle = {
          user,
          page: await launch(),
          messaging: true,
          storeDir: join(dataDir, 'store'),
          stop: () => app.close(),
          async start() {
            handle.page = await launch();
            return handle.page;
          },
          async restart() {
            await handle.stop();
            return handle.start();
          },
          close: () => app.close(),
        };
        closers.push(handle.close);
        return handle;
      }

      let host = await startHostProcess(join(dataDir, 'store'), options);
      browser ??= await playwright.chromium.launch(launchOptions);
      const context = await browser.newContext();
      const open = async () => {
        const page = await context.newPage();
        await page.goto(host.url);
        return page;
      };
      const handle: AppHandle = {
        user,
        page: await open(),
        messaging: host.messaging,
        storeDir: join(dataDir, 'store'),
        async stop() {
          await handle.page.close();
          await stopHostProcess(host);
        },
        async start() {
          host = await startHostProcess(join(dataDir, 'store'), options);
          handle.page = await open();
          return handle.page;
        },
        async restart() {
          await handle.stop();
          return handle.start();
        },
        async close() {
          await context.close();
          await stopHostProcess(host);
        },
      };
      closers.push(handle.close);
      return handle;
    });

    for (const close of closers.reverse()) await close().catch(() => undefined);
    await browser?.close();
    rmSync(profiles, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
