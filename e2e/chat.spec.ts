/**
 * Two people on a real Prosody (started per run), each in their own app with their own
 * profile, the real messaging engine behind the bridge. Alice's account is created from the
 * setup form (XEP-0077 in-band registration); Bob's exists on the server already.
 */
import { expect, test } from './fixtures.js';
import type { AppHandle, OpenOptions } from './fixtures.js';
import { lastMessage, sendText, signIn, startChat, unlock } from './steps.js';

interface Server {
  readonly domain: string;
  readonly host: string;
  readonly port: number;
  readonly caFile: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

const ALICE = { user: 'alice', password: 'alice-server-pw' };
const BOB = { user: 'bob', password: 'bob-server-pw' };
let server: Server | undefined;
/** Alice signs up once (the first test that opens her app); later tests sign in. */
let aliceRegistered = false;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const { startProsody } = (await import('../scripts/prosody/launcher.js')) as { startProsody: (o: object) => Promise<Server> };
  server = await startProsody({ accounts: [BOB], allowRegistration: true });
});
test.afterAll(async () => server?.stop());

type OpenApp = (user: string, o?: OpenOptions) => Promise<AppHandle>;

function accountOf(u: typeof ALICE, mode: 'sign-in' | 'create' = 'sign-in') {
  const s = server!;
  return { jid: `${u.user}@${s.domain}`, password: u.password, passphrase: `${u.user} local passphrase`, server: s.host, port: s.port, mode };
}

async function online(app: AppHandle): Promise<void> {
  await expect(app.page.getByTestId('connection-state')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
}

async function twoUsers(openApp: OpenApp) {
  const s = server!;
  const alice = await openApp('alice', { caFile: s.caFile });
  const bob = await openApp('bob', { caFile: s.caFile });
  const fingerprints = { alice: await signIn(alice.page, accountOf(ALICE, aliceRegistered ? 'sign-in' : 'create')), bob: await signIn(bob.page, accountOf(BOB)) };
  aliceRegistered = true;
  for (const app of [alice, bob]) await online(app);
  return { alice, bob, fingerprints, jid: { alice: `alice@${s.domain}`, bob: `bob@${s.domain}` } };
}

const state = (app: AppHandle) => lastMessage(app.page).getByTestId('delivery-state');

test('a new user signs up from the setup form, and two users chat both ways with delivery states', async ({ openApp }) => {
  const { alice, bob, jid } = await twoUsers(openApp);
  await startChat(alice.page, jid.bob);
  await sendText(alice.page, 'hello bob');
  await expect(state(alice)).toHaveText(/Sent|Delivered/);
  const fromAlice = bob.page.getByTestId('conversation-item').filter({ hasText: jid.alice });
  await expect(fromAlice.getByTestId('unread-count')).toHaveText('1');
  await fromAlice.click();
  await expect(lastMessage(bob.page).getByTestId('message-body')).toHaveText('hello bob');
  await expect(state(alice)).toHaveText('Delivered', { timeout: 20_000 });
  await sendText(bob.page, 'hi alice');
  await expect(lastMessage(alice.page).getByTestId('message-body')).toHaveText('hi alice');
  await expect(state(bob)).toHaveText('Delivered', { timeout: 20_000 });

  // The server goes away: the message waits (pending, counted as queued), then goes out
  // by itself once the connection is back, and is delivered.
  await server!.kill();
  await expect(alice.page.getByTestId('connection-state')).not.toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  await sendText(alice.page, 'are you still there?');
  await expect(state(alice)).toHaveText('Waiting to send');
  await expect(alice.page.getByTestId('queued-count')).toContainText('1 message waiting to be sent');
  await server!.restart();
  await online(alice);
  await expect(state(alice)).toHaveText('Delivered', { timeout: 45_000 });
  await expect(lastMessage(bob.page).getByTestId('message-body')).toHaveText('are you still there?');
  await expect(alice.page.getByTestId('queued-count')).toHaveCount(0);
});

test('they verify each other’s fingerprints', async ({ openApp }) => {
  const { alice, bob, fingerprints, jid } = await twoUsers(openApp);
  await startChat(alice.page, jid.bob);
  await sendText(alice.page, 'verify me');
  await bob.page.getByTestId('conversation-item').filter({ hasText: jid.alice }).click();
  await expect(lastMessage(bob.page).getByTestId('message-body')).toHaveText('verify me');
  for (const [app, peerFingerprint] of [
    [alice, fingerprints.bob],
    [bob, fingerprints.alice],
  ] as const) {
    await app.page.getByRole('button', { name: 'Contact details' }).click();
    // The fingerprint shown for the contact's device is the one their own app shows them.
    const device = app.page.getByTestId('device').filter({ hasText: peerFingerprint });
    await expect(device.getByTestId('device-fingerprint')).toHaveText(peerFingerprint);
    await device.getByRole('button', { name: /Mark device \d+ as verified/ }).click();
    await expect(device.getByTestId('trust-state')).toHaveText('Verified');
  }
  // Verified both ways, and the conversation goes on.
  await sendText(bob.page, 'verified, hi');
  await expect(lastMessage(alice.page).getByTestId('message-body')).toHaveText('verified, hi');
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
  // The server has them; Bob's device does not yet.
  await expect(state(alice)).toHaveText('Sent');
  const page = await bob.start();
  await expect(page.getByRole('heading', { name: 'Parley is locked' })).toBeVisible();
  await unlock(page, 'bob local passphrase');
  await page.getByTestId('conversation-item').filter({ hasText: jid.alice }).click();
  await expect(lastMessage(page).getByTestId('message-body')).toHaveText('while you were away 2', { timeout: 30_000 });
  await expect(page.getByText('while you were away 1')).toBeVisible();
  await expect(page.getByText('before the break')).toBeVisible();
  await expect(state(alice)).toHaveText('Delivered', { timeout: 20_000 });
});

test('a contact’s new device shows as a line in the conversation and receives the next message', async ({ openApp }) => {
  const s = server!;
  const { alice, bob, jid } = await twoUsers(openApp);
  await startChat(alice.page, jid.bob);
  await sendText(alice.page, 'one device so far');
  await bob.page.getByTestId('conversation-item').filter({ hasText: jid.alice }).click();
  await expect(lastMessage(bob.page).getByTestId('message-body')).toHaveText('one device so far');

  const laptop = await openApp('bob-laptop', { caFile: s.caFile });
  await signIn(laptop.page, { ...accountOf(BOB), passphrase: 'bob laptop passphrase' });
  await online(laptop);
  // Alice's app learns Bob's device list again when it next starts.
  const page = await alice.restart();
  await unlock(page, 'alice local passphrase');
  await page.getByTestId('conversation-item').filter({ hasText: jid.bob }).click();
  await sendText(page, 'hello, new laptop');
  await expect(page.getByTestId('system-line').filter({ hasText: `${jid.bob} added a device` })).toBeVisible({ timeout: 20_000 });
  await laptop.page.getByTestId('conversation-item').filter({ hasText: jid.alice }).click();
  await expect(lastMessage(laptop.page).getByTestId('message-body')).toHaveText('hello, new laptop', { timeout: 20_000 });
});
