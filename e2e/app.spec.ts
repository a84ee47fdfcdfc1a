/**
 * What works without a server: first run, lock and unlock, the offline queue, restart with
 * history, shortcuts, the virtualised list, and the bridge refusing hostile calls.
 */
import { expect, test } from './fixtures.js';
import { lastMessage, sendText, signIn, startChat, unlock } from './steps.js';

const alice = { jid: 'alice@example.org', password: 'server-secret-1', passphrase: 'alice passphrase 1' };

test('first run signs in, protects the store with a passphrase and shows the device fingerprint', async ({ openApp }) => {
  const app = await openApp('alice');
  const { page } = app;
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  const fingerprint = await signIn(page, alice);
  await page.getByRole('button', { name: 'My fingerprint' }).click();
  await expect(page.getByTestId('own-fingerprint')).toHaveText(fingerprint);
  await expect(page.getByRole('img', { name: 'QR code of your fingerprint' })).toBeVisible();
});

test('refuses a wrong passphrase and unlocks with the right one', async ({ openApp }) => {
  const { page } = await openApp('alice');
  await signIn(page, alice);
  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { name: 'Parley is locked' })).toBeVisible();
  await page.getByLabel('Passphrase').fill('not the passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('alert')).toHaveText('That passphrase is not correct.');
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toHaveCount(0);
  await unlock(page, alice.passphrase);
});

test('queues messages visibly while offline and keeps history across a restart', async ({ openApp }) => {
  const app = await openApp('alice');
  await signIn(app.page, alice);
  await startChat(app.page, 'bob@example.org');
  await sendText(app.page, 'first, while offline');
  await expect(lastMessage(app.page).getByTestId('delivery-state')).toHaveText('Waiting to send');
  await expect(app.page.getByTestId('queued-count')).toContainText('1 message waiting to be sent');
  await expect(app.page.getByTestId('connection-state')).toContainText(app.messaging ? /Connecting|Online|Reconnecting/ : 'Offline');

  const page = await app.restart();
  await expect(page.getByRole('heading', { name: 'Parley is locked' })).toBeVisible();
  await unlock(page, alice.passphrase);
  const item = page.getByTestId('conversation-item').filter({ hasText: 'bob@example.org' });
  await expect(item).toContainText('You: first, while offline');
  await item.click();
  await expect(lastMessage(page).getByTestId('message-body')).toHaveText('first, while offline');
});

test('Enter sends, Shift+Enter adds a line, drafts stay with their conversation, Ctrl+digit and Alt+arrows switch', async ({ openApp }) => {
  const { page } = await openApp('alice');
  await signIn(page, alice);
  await startChat(page, 'bob@example.org');
  const box = page.getByRole('textbox', { name: 'Message to bob@example.org' });
  await box.fill('line one');
  await box.press('Shift+Enter');
  await box.pressSequentially('line two');
  await box.press('Enter');
  await expect(lastMessage(page).getByTestId('message-body')).toHaveText('line one\nline two');

  await box.fill('a draft for bob');
  await startChat(page, 'carol@example.org');
  await expect(page.getByRole('textbox', { name: 'Message to carol@example.org' })).toHaveValue('');
  // carol's conversation is newest-first empty; bob's has a message, so the list is [bob, carol] or by creation time.
  const items = page.getByTestId('conversation-item');
  await expect(items).toHaveCount(2);
  const firstPeer = await items.first().getAttribute('data-peer');
  await page.keyboard.press('Control+1');
  await expect(page.getByRole('heading', { level: 2, name: firstPeer! })).toBeVisible();
  await page.keyboard.press('Alt+ArrowDown');
  const secondPeer = await items.nth(1).getAttribute('data-peer');
  await expect(page.getByRole('heading', { level: 2, name: secondPeer! })).toBeVisible();
  await items.filter({ hasText: 'bob@example.org' }).click();
  await expect(page.getByRole('textbox', { name: 'Message to bob@example.org' })).toHaveValue('a draft for bob');
});

test('searches conversations by address and by message text', async ({ openApp }) => {
  const { page } = await openApp('alice');
  await signIn(page, alice);
  await startChat(page, 'bob@example.org');
  await sendText(page, 'the quarterly report');
  await startChat(page, 'carol@example.org');
  const search = page.getByRole('searchbox', { name: 'Search conversations' });
  await search.fill('quarterly');
  await expect(page.getByTestId('conversation-item')).toHaveCount(1);
  await expect(page.getByTestId('conversation-item')).toContainText('bob@example.org');
  await search.fill('carol');
  await expect(page.getByTestId('conversation-item')).toHaveCount(1);
  await expect(page.getByTestId('conversation-item')).toContainText('carol@example.org');
});

test('keeps a long conversation virtualised and pages older history in on scroll', async ({ openApp }) => {
  const { page } = await openApp('alice');
  await signIn(page, alice);
  await startChat(page, 'bob@example.org');
  const total = 600;
  await page.evaluate(async (count) => {
    const list = await window.parley.listConversations({});
    if (!list.ok) throw new Error(list.error.code);
    const id = list.value[0]!.id;
    for (let i = 0; i < count; i++) await window.parley.sendMessage({ conversationId: id, body: `bulk message ${i}` });
  }, total);
  // A fresh start of the view: lock (which drops every loaded message) and unlock.
  await page.getByRole('button', { name: 'Lock' }).click();
  await unlock(page, alice.passphrase);
  await page.getByTestId('conversation-item').first().click();
  await expect(lastMessage(page).getByTestId('message-body')).toHaveText(`bulk message ${total - 1}`);
  const rendered = await page.getByTestId('message').count();
  expect(rendered).toBeLessThan(60);
  const scroller = page.getByTestId('message-scroller');
  for (let i = 0; i < 40 && !(await page.getByText('bulk message 0', { exact: true }).isVisible()); i++) {
    await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
    await page.waitForTimeout(150);
  }
  await expect(page.getByText('bulk message 0', { exact: true })).toBeVisible();
  expect(await page.getByTestId('message').count()).toBeLessThan(60);
});

test('the bridge answers hostile calls with typed errors and the page has no Node', async ({ openApp }) => {
  const { page } = await openApp('alice');
  await signIn(page, alice);
  const answers = await page.evaluate(async () => {
    const api = window.parley as unknown as Record<string, (r: unknown) => Promise<unknown>>;
    return {
      wrongType: await api['sendMessage']!({ conversationId: 'one', body: 1 }),
      extraField: await api['unlock']!({ passphrase: 'x', key: 'y' }),
      huge: await api['listConversations']!({ search: 'x'.repeat(1_000_000) }),
      missing: await api['loadMessages']!({ conversationId: 999, limit: 10 }),
      timer: await api['setConversationTimer']!({ conversationId: 1, seconds: 60 }),
      link: await api['openExternal']!({ url: 'file:///etc/passwd' }),
      removeHostile: await api['removeOwnDevice']!({ deviceId: '1 OR 1=1' }),
      removeOffline: await api['removeOwnDevice']!({ deviceId: 42 }),
      keys: Object.keys(window.parley).sort(),
      node: typeof (globalThis as { process?: unknown }).process + typeof (globalThis as { require?: unknown }).require,
    };
  });
  expect(answers.wrongType).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  expect(answers.extraField).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  expect(answers.huge).toMatchObject({ ok: false });
  expect(answers.missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
  expect(answers.timer).toMatchObject({ ok: false, error: { code: 'not-found' } }); // no conversation 1 yet
  expect(answers.link).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
  expect(answers.removeHostile).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  expect(answers.removeOffline).toMatchObject({ ok: false, error: { code: 'unreachable' } }); // removing a device needs the server
  expect(answers.keys).toContain('on');
  expect(answers.node).toBe('undefinedundefined');
});
