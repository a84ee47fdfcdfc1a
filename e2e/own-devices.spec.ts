/**
 * A user removes a lost device from their account: two Parley devices of one account on a
 * real Prosody (started per run), the laptop goes offline, and the other device removes it
 * from "Your other devices" after a confirm step. When the laptop comes back, it adds
 * itself again — OMEMO's model, which the confirm text tells the user.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';
import type { AppHandle } from './fixtures.js';
import { signIn, unlock } from './steps.js';

interface Server {
  readonly domain: string;
  readonly host: string;
  readonly port: number;
  readonly caFile: string;
  stop(): Promise<void>;
}

const ALICE = { user: 'alice', password: 'alice-server-pw' };
let server: Server | undefined;

test.beforeAll(async () => {
  const { startProsody } = (await import('../scripts/prosody/launcher.js')) as { startProsody: (o: object) => Promise<Server> };
  server = await startProsody({ accounts: [ALICE] });
});
test.afterAll(async () => server?.stop());

const account = (passphrase: string) => ({ jid: `${ALICE.user}@${server!.domain}`, password: ALICE.password, passphrase, server: server!.host, port: server!.port });

async function online(app: AppHandle): Promise<void> {
  await expect(app.page.getByTestId('connection-state')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
}

async function ownDeviceId(page: Page): Promise<number> {
  const identity = await page.evaluate(() => window.parley.getOwnIdentity());
  if (!identity.ok) throw new Error(identity.error.code);
  return identity.value.deviceId;
}

test('removes a lost device of the account after a confirm step; the device adds itself back when it returns', async ({ openApp }) => {
  const s = server!;
  const laptop = await openApp('alice-laptop', { caFile: s.caFile });
  await signIn(laptop.page, account('alice laptop passphrase'));
  await online(laptop);
  const laptopId = await ownDeviceId(laptop.page);
  const desktop = await openApp('alice', { caFile: s.caFile });
  await signIn(desktop.page, account('alice desktop passphrase'));
  await online(desktop);

  const { page } = desktop;
  await page.getByRole('button', { name: 'My fingerprint' }).click();
  const others = page.getByRole('list', { name: 'Your other devices' });
  const laptopRow = others.getByTestId('own-device').and(page.locator(`[data-device-id="${laptopId}"]`));
  await expect(laptopRow).toBeVisible();
  // This device is not offered for removal.
  await expect(others.getByTestId('own-device')).toHaveCount(1);

  await laptop.stop(); // lost: offline
  await laptopRow.getByRole('button', { name: 'Remove from account' }).click();
  const confirm = laptopRow.getByTestId('remove-device-confirm');
  await expect(confirm).toContainText('no longer receive new messages');
  await expect(confirm).toContainText('comes online again, it adds itself back');
  // Cancel keeps it; confirming removes it.
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(laptopRow).toBeVisible();
  await laptopRow.getByRole('button', { name: 'Remove from account' }).click();
  await laptopRow.getByRole('button', { name: 'Remove device' }).click();
  await expect(laptopRow).toHaveCount(0);
  await expect(others.getByText('No other devices on this account.')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);

  // The laptop comes back online: it lists itself again, and the desktop sees it return.
  const laptopPage = await laptop.start();
  await unlock(laptopPage, 'alice laptop passphrase');
  await online(laptop);
  await expect(laptopRow).toBeVisible({ timeout: 30_000 });
});
