/**
 * Two people on a real Prosody (started per run). Needs the messaging engine behind the
 * bridge: until electron/engine/messaging/ is wired into the service (e2e/host/messaging.ts,
 * electron/main.ts), these skip with that reason.
 */
import { expect, test } from './fixtures.js';
import type { AppHandle } from './fixtures.js';
import { lastMessage, sendText, signIn, startChat, unlock } from './steps.js';

interface Server {
  readonly domain: string;
  readonly host: string;
  readonly port: number;
  readonly caFile: string;
  stop(): Promise<void>;
}

const users = [
  { user: 'alice', password: 'alice-server-pw' },
  { user: 'bob', password: 'bob-server-pw' },
];
let server: Server | undefined;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const { startProsody } = (await import('../scripts/prosody/launcher.js')) as { startProsody: (o: object) => Promise<Server> };
  server = await startProsody({ accounts: users });
});
test.afterAll(async () => server?.stop());

async function twoUsers(openApp: (user: string, o?: { caFile?: string }) => Promise<AppHandle>) {
  const s = server!;
  const alice = await openApp('alice', { caFile: s.caFile });
  test.skip(!alice.messaging, 'No messaging engine is attached to the bridge yet (GAP in e2e/host/messaging.ts): chat specs skipped.');
  const bob = await openApp('bob', { caFile: s.caFile });
  const account = (u: (typeof users)[number]) => ({ jid: `${u.user}@${s.domain}`, password: u.password, passphrase: `${u.user} local passphrase`, server: s.host, port: s.port });
  const fingerprints = { alice: await signIn(alice.page, account(users[0]!)), bob: await signIn(bob.page, account(users[1]!)) };
  for (const app of [alice, bob]) await expect(app.page.getByTestId('connection-state')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
  return { alice, bob, fingerprints, jid: { alice: `alice@${s.domain}`, bob: `bob@${s.domain}` } };
}

test('two users chat both ways and see delivery states', async ({ openApp }) => {
  const { alice, bob, jid } = await twoUsers(openApp);
  await startChat(alice.page, jid.bob);
  await sendText(alice.page, 'hello bob');
  await expect(lastMessage(alice.page).getByTestId('delivery-state')).toHaveText(/Sent|Delivered/);
  const fromAlice = bob.page.getByTestId('conversation-item').filter({ hasText: jid.alice });
  await expect(fromAlice.getByTestId('unread-count')).toHaveText('1');
  await fromAlice.click();
  await expect(lastMessage(bob.page).getByTestId('message-body')).toHaveText('hello bob');
  await expect(lastMessage(alice.page).getByTestId('delivery-state')).toHaveText('Delivered', { timeout: 20_000 });
  await sendText(bob.page, 'hi alice');
  await expect(lastMessage(alice.page).getByTestId('message-body')).toHaveText('hi alice');
  await expect(lastMessage(bob.page).getByTestId('delivery-state')).toHaveText('Delivered', { timeout: 20_000 });
});

test('they verify each other’s fingerprints', async ({ openApp }) => {
  const { alice, bob, fingerprints, jid } = await twoUsers(openApp);
  await startChat(alice.page, jid.bob);
  await sendText(alice.page, 'verify me');
  await bob.page.getByTestId('conversation-item').filter({ hasText: jid.alice }).click();
  for (const [app, peerFingerprint] of [
    [alice, fingerprints.bob],
    [bob, fingerprints.alice],
  ] as const) {
    await app.page.getByRole('button', { name: 'Contact details' }).click();
    const device = app.page.getByTestId('device').filter({ hasText: peerFingerprint });
    await expect(device.getByTestId('device-fingerprint')).toHaveText(peerFingerprint);
    await device.getByRole('button', { name: /Mark device \d+ as verified/ }).click();
    await expect(device.getByTestId('trust-state')).toHaveText('Verified');
  }
});

test('a user who was offline gets the queued messages on return, and history survives a restart', async ({ openApp }) => {
  const { alice, bob, jid } = await twoUsers(openApp);
  await startChat(alice.page, jid.bob);
  await sendText(alice.page, 'before the break');
  await bob.page.getByTestId('conversation-item').filter({ hasText: jid.alice }).click();
  await expect(lastMessage(bob.page).getByTestId('message-body')).toHaveText('before the break');
  await bob.stop();
  await sendText(alice.page, 'while you were away 1');
  await sendText(alice.page, 'while you were away 2');
  const page = await bob.start();
  await unlock(page, 'bob local passphrase');
  await page.getByTestId('conversation-item').filter({ hasText: jid.alice }).click();
  await expect(lastMessage(page).getByTestId('message-body')).toHaveText('while you were away 2', { timeout: 30_000 });
  await expect(page.getByText('before the break')).toBeVisible();
});
