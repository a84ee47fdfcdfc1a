#!/usr/bin/env node
// The demo, after scripts/demo.sh has set up the machine and built dist/: a throwaway Prosody
// on loopback with two accounts (alice, bob) and Parley for each of them, every profile in its
// own temporary folder. Run with `node --import tsx scripts/demo.mjs [flags]`:
//   (no flag)       Electron where a binary exists (node_modules/electron/dist or ELECTRON_PATH),
//                   profiles already set up: unlock each window with the printed passphrase.
//                   Elsewhere the same UI in Chromium through the e2e test host: two windows,
//                   set up, signed in and with a first message, ready to chat.
//   --headless      Chromium without windows: sets both up, exchanges a message, prints, exits (smoke test).
//   --screenshots   with --headless: writes docs/screenshots/{setup,conversation,contact-details}.png.
//   --no-browser    only the server and the two test hosts: open the printed URLs yourself.
// Ctrl+C stops everything; Prosody is stopped by its pid and its data deleted.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const { values: flags } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    screenshots: { type: 'boolean', default: false },
    'no-browser': { type: 'boolean', default: false },
  },
});

const { startProsody } = await import('./prosody/launcher.ts');
const { startTestHost } = await import('../e2e/host/server.ts');
const { engineMessaging } = await import('../electron/app/engine-messaging.ts');
const { createEngineService } = await import('../electron/app/engine-service.ts');

const say = (line = '') => console.log(line);
const secret = () => randomBytes(9).toString('base64url');
const people = ['alice', 'bob'].map((user) => ({ user, password: `${user}-${secret()}`, passphrase: `${user} demo ${secret()}` }));
const profiles = mkdtempSync(join(tmpdir(), 'parley-demo-'));
const cleanups = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const cleanup of cleanups.reverse()) await cleanup().catch((e) => console.error(`demo: cleanup: ${e.message}`));
  rmSync(profiles, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  say('demo: starting a throwaway Prosody on 127.0.0.1');
  const server = await startProsody({ accounts: people.map(({ user, password }) => ({ user, password })) });
  cleanups.push(() => server.stop());
  const ca = readFileSync(server.caFile, 'utf8');
  const accountOf = (p) => ({ jid: `${p.user}@${server.domain}`, password: p.password, server: server.host, port: server.port });

  const electron = [process.env.ELECTRON_PATH, join(ROOT, 'node_modules/electron/dist/electron')].find((p) => p && existsSync(p));
  if (electron && !flags.headless && !flags['no-browser']) await runElectron(electron, server, accountOf);
  else {
    if (!electron) say('demo: no Electron binary here (node_modules/electron/dist or ELECTRON_PATH): the same UI opens in Chromium through the test host instead.');
    await runInChromium(server, ca, accountOf);
  }
} catch (error) {
  console.error(`demo: ${error.stack ?? error}`);
  await stopAll(1);
}

function printAccounts(server) {
  say();
  say(`Server   ${server.domain} on ${server.host}:${server.port} (throwaway Prosody, pid ${server.pid}; CA ${server.caFile})`);
  for (const p of people) say(`${p.user.padEnd(8)} ${p.user}@${server.domain}   server password: ${p.password}   local passphrase: ${p.passphrase}`);
  say();
}

/** Profiles set up beforehand (no network needed for that), then one Electron app per person. */
async function runElectron(binary, server, accountOf) {
  for (const p of people) {
    const service = createEngineService({ dataDir: join(profiles, p.user, 'store') });
    const result = await service.setup({ mode: 'sign-in', ...accountOf(p), protector: 'passphrase', passphrase: p.passphrase });
    await service.close();
    if (!result || result.status?.state !== 'unlocked') throw new Error(`setting up ${p.user}'s profile failed`);
  }
  printAccounts(server);
  say('Two Parley windows open; unlock each with its passphrase above. Ctrl+C stops everything.');
  for (const p of people) {
    const child = spawn(binary, [join(ROOT, 'dist/electron/main.mjs')], {
      stdio: 'inherit',
      env: { ...process.env, PARLEY_USER_DATA: join(profiles, p.user), PARLEY_XMPP_CA: server.caFile },
    });
    cleanups.push(async () => void (child.exitCode === null && child.kill('SIGTERM')));
  }
}

async function runInChromium(server, ca, accountOf) {
  const hosts = [];
  for (const p of people) {
    const host = await startTestHost({
      dataDir: join(profiles, p.user, 'store'),
      distDir: join(ROOT, 'dist'),
      port: 0,
      ca,
      messaging: engineMessaging(),
      log: (line) => process.env.PARLEY_DEBUG && console.error(`${p.user}: ${line}`),
    });
    cleanups.push(() => host.close());
    hosts.push(host);
  }
  printAccounts(server);
  if (flags['no-browser']) {
    people.forEach((p, i) => say(`Open for ${p.user}: ${hosts[i].url}   (setup: "Sign in", Server settings → host ${server.host}, port ${server.port})`));
    say('Ctrl+C stops everything.');
    return;
  }

  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: flags.headless, args: CHROMIUM_FLAGS });
  cleanups.push(() => browser.close());
  const pages = [];
  for (const [i, p] of people.entries()) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    const page = await context.newPage();
    await page.goto(hosts[i].url);
    await fillSetup(page, accountOf(p), p.passphrase);
    if (i === 0 && flags.screenshots) await shot(page, 'setup');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('connection-state').and(page.locator('[data-state="online"]')).waitFor({ timeout: 30_000 });
    pages.push(page);
  }
  const [alice, bob] = pages;
  const [aliceJid, bobJid] = people.map((p) => accountOf(p).jid);
  await alice.getByLabel('Address to chat with').fill(bobJid);
  await alice.getByRole('button', { name: 'Start chat' }).click();
  await send(alice, `Hi Bob! This message is end-to-end encrypted with OMEMO.`);
  await bob.getByTestId('conversation-item').filter({ hasText: aliceJid }).click();
  await bob.getByTestId('message-body').filter({ hasText: 'end-to-end encrypted' }).waitFor({ timeout: 30_000 });
  await send(bob, 'Hi Alice, it arrived. Shall we compare fingerprints?');
  await alice.getByTestId('message-body').filter({ hasText: 'compare fingerprints' }).waitFor({ timeout: 30_000 });
  await alice.getByTestId('delivery-state').last().filter({ hasText: 'Delivered' }).waitFor({ timeout: 30_000 }).catch(() => undefined);
  say('demo: alice and bob are set up, signed in and have exchanged a first message.');

  if (flags.screenshots) {
    await shot(alice, 'conversation');
    await alice.getByRole('button', { name: 'Contact details' }).click();
    await alice.getByTestId('device-fingerprint').first().waitFor();
    await shot(alice, 'contact-details');
  }
  if (flags.headless) {
    say('demo: headless smoke test passed.');
    await stopAll(0);
    return;
  }
  say('Two Chromium windows (alice, bob) are ready to chat. Ctrl+C stops everything.');
}

async function fillSetup(page, account, passphrase) {
  await page.getByLabel('Address (JID)').fill(account.jid);
  await page.getByLabel('Server password').fill(account.password);
  await page.getByText('Server settings').click();
  await page.getByLabel('Server host (optional)').fill(account.server);
  await page.getByLabel('Port (optional)').fill(String(account.port));
  await page.getByRole('radio', { name: 'A passphrase' }).check();
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Repeat passphrase').fill(passphrase);
}

async function send(page, text) {
  const box = page.getByRole('textbox', { name: /^Message to / });
  await box.fill(text);
  await box.press('Enter');
}

async function shot(page, name) {
  const dir = join(ROOT, 'docs/screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
  say(`demo: wrote docs/screenshots/${name}.png`);
}
