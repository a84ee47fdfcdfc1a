/**
 * Message states a person must be able to tell apart, with no XMPP server: the test host runs
 * on the scripted inbox (e2e/host/scripted-inbox.ts), whose seams the test process drives.
 *   - A message that could not be decrypted says so, with a readable reason, and shows no body.
 *   - A message whose sending failed says "Failed" with a Retry button; Retry sends it again
 *     under the same id and its state moves on (waiting to send, then sent).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { scriptedInbox } from './host/scripted-inbox.js';
import { withScriptedHost } from './scripted-host.js';
import { startChat } from './steps.js';

const BOB = 'bob@example.org';

const messageById = (page: Page, id: string) => page.locator(`[data-testid="message"][data-message-id="${id}"]`);

test.describe('message states', () => {
  test.beforeEach(({ appKind }) => {
    test.skip(appKind !== 'host', 'Drives the scripted inbox in the test process: chromium-host only.');
  });

  test('a message that could not be decrypted says so with a readable reason and shows no body', async ({ browser }) => {
    const inbox = scriptedInbox();
    await withScriptedHost(browser, inbox, async (page) => {
      inbox.deliver(BOB, 'a readable hello');
      const id = inbox.deliverUndecryptable(BOB, 'not-for-this-device');

      const item = page.getByTestId('conversation-item').filter({ hasText: BOB });
      await expect(item).toContainText('Message could not be decrypted');
      await item.click();

      const row = messageById(page, id);
      await expect(row).toHaveAttribute('data-state', 'undecryptable');
      await expect(row.getByTestId('undecryptable')).toHaveText('This message could not be decrypted: it was not encrypted for this device.');
      // Not a normal message: no body element, and the raw reason code is not what the person reads.
      await expect(row.getByTestId('message-body')).toHaveCount(0);
      await expect(row).not.toContainText('not-for-this-device');
      // The readable message next to it is shown as usual.
      await expect(page.getByTestId('message-body').filter({ hasText: 'a readable hello' })).toHaveCount(1);
      await expect(page.getByTestId('message')).toHaveCount(2);
    });
  });

  test('a message that failed to send shows Failed and Retry, and Retry sends it again under the same id', async ({ browser }) => {
    const inbox = scriptedInbox({ acceptSends: true });
    await withScriptedHost(browser, inbox, async (page) => {
      await startChat(page, BOB);
      inbox.failNextSend('timeout');
      const box = page.getByRole('textbox', { name: `Message to ${BOB}` });
      await box.fill('will this arrive');
      await box.press('Enter');

      await expect.poll(() => inbox.sends.length).toBe(1);
      const firstId = inbox.sends[0]!.id;
      expect(firstId).toBeDefined();
      const row = messageById(page, firstId!);
      await expect(row).toHaveAttribute('data-state', 'failed');
      await expect(row.getByTestId('message-body')).toHaveText('will this arrive');
      await expect(row.getByTestId('delivery-state')).toHaveText('Failed');
      const retry = row.getByRole('button', { name: 'Retry' });
      await expect(retry).toBeVisible();

      await retry.click();
      await expect.poll(() => inbox.sends.length).toBe(2);
      expect(inbox.sends[1]).toEqual({ to: BOB, body: 'will this arrive', id: firstId });

      // The same message (same id, one row) moves on: waiting to send, then sent once the server takes it.
      await expect(row).toHaveAttribute('data-state', 'pending');
      await expect(row.getByTestId('delivery-state')).toHaveText('Waiting to send');
      await expect(row.getByRole('button', { name: 'Retry' })).toHaveCount(0);
      await expect(page.getByTestId('message')).toHaveCount(1);

      inbox.acknowledge(firstId!);
      await expect(row).toHaveAttribute('data-state', 'sent');
      await expect(row.getByTestId('delivery-state')).toHaveText('Sent');
      await expect(page.getByTestId('message')).toHaveCount(1);
    });
  });
});
