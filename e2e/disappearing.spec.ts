/**
 * Disappearing messages, two people on a real Prosody: a short custom timer set in one window
 * reaches the other, the message disappears from both windows on time, search no longer finds it,
 * and — once the apps are closed — the engine's own history query on each store has no trace.
 */
import { MessagingEngine } from '../electron/engine/messaging/engine.js';
import { MemoryNetwork } from '../electron/engine/messaging/memory-network.js';
import { openStore, passphraseProtector } from '../electron/engine/store/index.js';
import { expect, test, type AppHandle } from './fixtures.js';
import { lastMessage, sendText, signIn, startChat } from './steps.js';

interface Server {
  readonly domain: string;
  readonly host: string;
  readonly port: number;
  readonly caFile: string;
  stop(): Promise<void>;
}

const TIMER_SECONDS = 5;
const users = [
  { user: 'alice', password: 'alice-server-pw' },
  { user: 'bob', password: 'bob-server-pw' },
];
const passphraseOf = (user: string) => `${user} local passphrase`;
let server: Server | undefined;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  const { startProsody } = (await import('../scripts/prosody/launcher.js')) as { startProsody: (o: object) => Promise<Server> };
  server = await startProsody({ accounts: users });
});
test.afterAll(async () => server?.stop());

/** What the engine itself would show for `peer` from the closed store in `dir`. */
async function engineHistory(app: AppHandle, ownJid: string, peer: string, id: string) {
  const store = await openStore({ dir: app.storeDir, protector: passphraseProtector(passphraseOf(app.user)) });
  try {
    // Never started: constructing it purges what is due, as at unlock; history is its own query.
    const engine = new MessagingEngine({ store, transport: new MemoryNetwork().transport(ownJid) });
    return { history: engine.history(peer).map((m) => m.body), row: store.messages.get(id), searched: store.search('vanishing'), forgotten: store.forgottenMessages.isForgotten({ messageId: id }) };
  } finally {
    store.close();
  }
}

test('a message with a short custom timer disappears from both windows, search and both stores', async ({ openApp }) => {
  const s = server!;
  const alice = await openApp('alice', { caFile: s.caFile });
  test.skip(!alice.messaging, 'No messaging engine is attached to the bridge (e2e/host/messaging.ts): skipped.');
  const bob = await openApp('bob', { caFile: s.caFile });
  const jid = { alice: `alice@${s.domain}`, bob: `bob@${s.domain}` };
  const account = (u: (typeof users)[number]) => ({ jid: `${u.user}@${s.domain}`, password: u.password, passphrase: passphraseOf(u.user), server: s.host, port: s.port });
  await signIn(alice.page, account(users[0]!));
  await signIn(bob.page, account(users[1]!));
  for (const app of [alice, bob]) await expect(app.page.getByTestId('connection-state')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });

  // A first, kept message gives bob the conversation (and both sides a session).
  await startChat(alice.page, jid.bob);
  await sendText(alice.page, 'this one stays');
  const fromAlice = bob.page.getByTestId('conversation-item').filter({ hasText: jid.alice });
  await fromAlice.click();
  await expect(lastMessage(bob.page).getByTestId('message-body')).toHaveText('this one stays');

  // Alice sets a custom timer; both conversations show the change.
  await alice.page.getByLabel('Disappearing messages').selectOption('custom');
  await alice.page.getByLabel('Seconds').fill(String(TIMER_SECONDS));
  await alice.page.getByRole('button', { name: 'Set timer' }).click();
  await expect(alice.page.getByTestId('system-line').filter({ hasText: 'You set disappearing messages to 5 seconds' })).toBeVisible();
  await expect(bob.page.getByTestId('system-line').filter({ hasText: `${jid.alice} set disappearing messages to 5 seconds` })).toBeVisible({ timeout: 20_000 });

  await sendText(alice.page, 'vanishing words');
  const sentAt = Date.now();
  const mine = alice.page.getByTestId('message').filter({ hasText: 'vanishing words' });
  await expect(mine.getByTestId('expires-in')).toContainText('Disappears in');
  const id = (await mine.getAttribute('data-message-id'))!;
  const theirs = bob.page.getByTestId('message').filter({ hasText: 'vanishing words' });
  await expect(theirs).toBeVisible({ timeout: 20_000 }); // on screen: bob's countdown starts
  const shownAt = Date.now();
  await expect(theirs.getByTestId('expires-in')).toContainText('Disappears in');

  // Gone within a second of each copy's expiry.
  await expect(mine).toHaveCount(0, { timeout: sentAt + TIMER_SECONDS * 1000 + 1000 - Date.now() });
  await expect(theirs).toHaveCount(0, { timeout: shownAt + TIMER_SECONDS * 1000 + 2000 - Date.now() });
  await expect(bob.page.getByTestId('message-body').filter({ hasText: 'this one stays' })).toBeVisible();

  // Search finds nothing, and the conversation preview does not show it.
  for (const app of [alice, bob]) {
    await app.page.getByLabel('Search conversations').fill('vanishing');
    await expect(app.page.getByTestId('conversation-item')).toHaveCount(0);
    await app.page.getByLabel('Search conversations').fill('');
    await expect(app.page.getByTestId('conversation-item').first()).not.toContainText('vanishing');
  }

  await alice.close();
  await bob.close();
  for (const [app, own, peer] of [
    [alice, jid.alice, jid.bob],
    [bob, jid.bob, jid.alice],
  ] as const) {
    const seen = await engineHistory(app, own, peer, id);
    expect(seen).toEqual({ history: ['this one stays'], row: undefined, searched: [], forgotten: true });
  }
});
