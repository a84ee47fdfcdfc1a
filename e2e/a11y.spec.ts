/** axe-core on the main views: no serious or critical violations. */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import { sendText, signIn, startChat } from './steps.js';

async function seriousViolations(page: Page, view: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return serious.map((v) => `${view}: ${v.id} (${v.impact}) — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('setup, welcome, conversation, contact details, settings and lock screen pass axe', async ({ openApp }) => {
  const { page } = await openApp('alice');
  const problems: string[] = [];
  await expect(page.getByRole('heading', { name: 'Welcome to Parley' })).toBeVisible();
  problems.push(...(await seriousViolations(page, 'setup')));

  await signIn(page, { jid: 'alice@example.org', password: 'server-secret-1', passphrase: 'alice passphrase 1' });
  await startChat(page, 'bob@example.org');
  await sendText(page, 'hello bob');
  problems.push(...(await seriousViolations(page, 'conversation')));

  await page.getByRole('button', { name: 'Contact details' }).click();
  await expect(page.getByRole('complementary')).toBeVisible();
  problems.push(...(await seriousViolations(page, 'contact details')));

  await page.getByRole('button', { name: 'Settings' }).click();
  problems.push(...(await seriousViolations(page, 'settings')));
  await page.getByRole('button', { name: 'My fingerprint' }).click();
  problems.push(...(await seriousViolations(page, 'own fingerprint')));

  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { name: 'Parley is locked' })).toBeVisible();
  problems.push(...(await seriousViolations(page, 'lock screen')));
  expect(problems).toEqual([]);
});
