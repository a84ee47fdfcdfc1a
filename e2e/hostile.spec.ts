/** A hostile message body renders as inert text, intact, and stays inside its bubble. */
import { expect, test } from './fixtures.js';
import { lastMessage, sendText, signIn, startChat } from './steps.js';

const bodies = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script><b>bold?</b>',
  '"><svg onload=window.__pwned=3>',
  '\u202Egnp.exe — right-to-left override\u202C and مرحبا بالعالم',
  `${'A very long line without spaces '.repeat(1)}${'x'.repeat(20_000)}`,
  'javascript:window.__pwned=4',
];

test('renders HTML, script, right-to-left overrides and very long text as inert, intact text', async ({ openApp }) => {
  const { page } = await openApp('alice');
  const dialogs: string[] = [];
  page.on('dialog', (d) => void dialogs.push(d.message()).toString());
  await signIn(page, { jid: 'alice@example.org', password: 'server-secret-1', passphrase: 'alice passphrase 1' });
  await startChat(page, 'mallory@example.org');
  for (const body of bodies) {
    await sendText(page, body);
    const rendered = lastMessage(page).getByTestId('message-body');
    await expect.poll(() => rendered.evaluate((el) => el.textContent)).toBe(body);
    await expect(rendered).toHaveAttribute('dir', 'auto');
    expect(await rendered.evaluate((el) => el.children.length)).toBe(0);
  }
  const list = page.getByTestId('message-list');
  await expect(list.locator('img, script, svg, b, a')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  // The long body wraps inside its bubble instead of widening the page.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // The conversation list preview is text too.
  await expect(page.getByTestId('conversation-item').first().locator('img, script, svg')).toHaveCount(0);
});
