/** User-level steps the specs share: what a person does, by role and name. */
import { expect, type Page } from '@playwright/test';

export interface Account {
  readonly jid: string;
  readonly password: string;
  readonly passphrase: string;
  readonly server?: string;
  readonly port?: number;
  /** 'create' registers the account on the server (XEP-0077) during setup. */
  readonly mode?: 'sign-in' | 'create';
}

export async function signIn(page: Page, account: Account): Promise<string> {
  if (account.mode === 'create') await page.getByRole('radio', { name: 'Create a new account' }).check();
  await page.getByLabel('Address (JID)').fill(account.jid);
  await page.getByLabel('Server password').fill(account.password);
  if (account.server !== undefined || account.port !== undefined) {
    await page.getByText('Server settings').click();
    if (account.server !== undefined) await page.getByLabel('Server host (optional)').fill(account.server);
    if (account.port !== undefined) await page.getByLabel('Port (optional)').fill(String(account.port));
  }
  await page.getByRole('radio', { name: 'A passphrase' }).check();
  await page.getByLabel('Passphrase', { exact: true }).fill(account.passphrase);
  await page.getByLabel('Repeat passphrase').fill(account.passphrase);
  await page.getByRole('button', { name: account.mode === 'create' ? 'Create account' : 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your device is ready' })).toBeVisible();
  const fingerprint = (await page.getByTestId('own-fingerprint').textContent()) ?? '';
  expect(fingerprint).toMatch(/^([0-9a-f]{8} ){7}[0-9a-f]{8}$/);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  return fingerprint;
}

export async function unlock(page: Page, passphrase: string): Promise<void> {
  await page.getByLabel('Passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
}

export async function startChat(page: Page, jid: string): Promise<void> {
  await page.getByLabel('Address to chat with').fill(jid);
  await page.getByRole('button', { name: 'Start chat' }).click();
  await expect(page.getByRole('heading', { name: jid })).toBeVisible();
}

export async function sendText(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: /^Message to / });
  await box.fill(text);
  await box.press('Enter');
  await expect(box).toHaveValue('');
}

export const lastMessage = (page: Page) => page.getByTestId('message').last();
