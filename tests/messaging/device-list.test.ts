/**
 * Device lists written by other clients (XEP-0384 §5.3.1), against a real Prosody: entries
 * another client got wrong cost those entries, never the list — ours keeps our other devices,
 * a contact stays reachable — and a new device whose random id is already taken in the
 * account moves to another id instead of overwriting the other device's bundle.
 */
import type { Element } from '@xmpp/xml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultBackend } from '../../electron/engine/crypto/backend/index.js';
import { omemo2Wire } from '../../electron/engine/crypto/wire/omemo2/index.js';
import { ensureOwnDevice, isMessagingError, MessagingEngine, protocolContext, XmppTransport } from '../../electron/engine/messaging/index.js';
import { createDevice, getOwnBundle } from '../../electron/engine/protocol/index.js';
import { MemoryProtocolStore } from '../../electron/engine/protocol/memory-store.js';
import type { Bundle } from '../../electron/engine/protocol/types.js';
import { XmppConnection } from '../../electron/engine/xmpp/connection.js';
import { DEVICE_LIST_ITEM_ID, MAX_DEVICES_PER_LIST, NODE_BUNDLES, NODE_DEVICES, NS_OMEMO2 } from '../../electron/engine/xmpp/omemo2-elements.js';
import { BUNDLES_NODE_CONFIG, DEVICES_NODE_CONFIG, fetchBundle, fetchDeviceList, publishBundle, publishDeviceList } from '../../electron/engine/xmpp/omemo2-pep.js';
import { fetchItems, publish } from '../../electron/engine/xmpp/pep.js';
import { xml } from '../../electron/engine/xmpp/xml.js';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { connectionFor, openOrCreateStore, startClient, startServer, tempDirs, waitFor, type Account, type Client } from './helpers.js';

const ALICE: Account = { user: 'alice', password: 'alice-Secret-1' };
const BOB: Account = { user: 'bob', password: 'bob-Secret-2' };
const CAROL: Account = { user: 'carol', password: 'carol-Secret-3' };
const DAVE: Account = { user: 'dave', password: 'dave-Secret-4' };
const ERIN: Account = { user: 'erin', password: 'erin-Secret-5' };
const FRANK: Account = { user: 'frank', password: 'frank-Secret-6' };
const GRACE: Account = { user: 'grace', password: 'grace-Secret-7' };

let server: ProsodyServer;
const dirs = tempDirs();
const clients: Client[] = [];
const foreign: XmppConnection[] = [];

beforeAll(async () => {
  server = await startServer([ALICE, BOB, CAROL, DAVE, ERIN, FRANK, GRACE]);
});
afterAll(async () => {
  for (const c of clients) await c.stop();
  for (const c of foreign) await c.disconnect().catch(() => undefined);
  await server?.stop();
  dirs.cleanup();
});

const jid = (account: Account): string => `${account.user}@${server.domain}`;

const connectionOf = (account: Account): XmppConnection => connectionFor(server, account);

/** Another OMEMO client of `account`, speaking raw XMPP. */
async function foreignClient(account: Account): Promise<XmppConnection> {
  const conn = connectionOf(account);
  foreign.push(conn);
  await conn.connect();
  return conn;
}

/** Publishes a device list as written, entries another client got wrong included. */
async function publishRawDeviceList(conn: XmppConnection, entries: readonly Element[]): Promise<void> {
  await publish(conn, { node: NODE_DEVICES, itemId: DEVICE_LIST_ITEM_ID, payload: xml('devices', { xmlns: NS_OMEMO2 }, ...entries), options: DEVICES_NODE_CONFIG });
}

/** How many `<device>` entries our published list holds, as written (no cap, no parsing). */
async function publishedEntryCount(conn: XmppConnection): Promise<number> {
  const items = await fetchItems(conn, { node: NODE_DEVICES, itemIds: [DEVICE_LIST_ITEM_ID] });
  return items[0]?.payload?.getChildren('device', NS_OMEMO2).length ?? 0;
}

const device = (id: string, label?: string): Element => xml('device', { id, label });
const BAD_ENTRIES = (): Element[] => [device('0'), device('abc', 'Broken'), device('2147483648')];
const LONG_LABEL = 'L'.repeat(1000);

/** The bundle of a device of another client, with its own identity key. */
function foreignBundle(account: Account, deviceId: number): Bundle {
  const ctx = { store: new MemoryProtocolStore(), wire: omemo2Wire, backend: defaultBackend(), now: Date.now };
  createDevice(ctx, { jid: jid(account), deviceId, preKeyCount: 5 });
  return getOwnBundle(ctx);
}

/** Polls `get` until `ok` holds for what it returns; that value. */
async function eventually<T>(get: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await get();
    if (ok(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The id of a new Parley device in `dir`, created before it ever signs in. */
async function newDeviceId(account: Account, dir: string): Promise<number> {
  const store = await openOrCreateStore(dir);
  try {
    return ensureOwnDevice(protocolContext(store, defaultBackend(), Date.now), store, jid(account)).identity.deviceId;
  } finally {
    store.close();
  }
}

/** Starts a Parley device that is expected to fail its sign-in; the error. */
async function failedSignIn(account: Account, dir: string): Promise<{ error: unknown; deviceId: number; storedId: number | undefined }> {
  const store = await openOrCreateStore(dir);
  const connection = connectionOf(account);
  const engine = new MessagingEngine({ store, transport: new XmppTransport(connection) });
  try {
    const error = await engine.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, deviceId: engine.deviceId, storedId: store.account.get()?.deviceId };
  } finally {
    await engine.stop();
    store.close();
  }
}

/** Bob's Parley device, started once for the tests that need a contact. */
async function bobClient(): Promise<Client> {
  const running = clients.find((c) => c.engine.jid === jid(BOB));
  if (running) return running;
  const bob = await startClient(server, BOB, dirs.make('bob'));
  clients.push(bob);
  return bob;
}

const ids = (entries: readonly { id: number }[]): number[] => entries.map((e) => e.id).sort((a, b) => a - b);
const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

describe('device lists with entries other clients got wrong', () => {
  it('keeps our other devices when our own list holds bad entries, at sign-in and when notified', async () => {
    const other = await foreignClient(ALICE);
    await publishRawDeviceList(other, [device('1001', 'Laptop'), ...BAD_ENTRIES(), device('1002', LONG_LABEL)]);

    const alice = await startClient(server, ALICE, dirs.make('alice'));
    clients.push(alice);
    const own = alice.engine.deviceId;
    expect(ids(await fetchDeviceList(other))).toEqual(sorted([1001, 1002, own]));
    expect((await fetchDeviceList(other)).find((e) => e.id === 1001)?.label).toBe('Laptop');
    expect(alice.log).toContain('device-list-entries-left-out own=yes skipped=3 labels-dropped=1 overflow=0');
    expect(alice.log.join('\n')).not.toContain(LONG_LABEL);

    // The other client rewrites the list without our device and with bad entries: the
    // notification brings our device back, and the other client's devices stay.
    await publishRawDeviceList(other, [device('1001', 'Laptop'), device('1003'), ...BAD_ENTRIES()]);
    await waitFor(() => alice.log.some((l) => l.startsWith('device-list-entries-left-out own=yes skipped=3 labels-dropped=0')), 15_000, 'the notification');
    const listed = await eventually(async () => ids(await fetchDeviceList(other)), (l) => l.includes(own), 'our device back in the list');
    expect(listed).toEqual(sorted([1001, 1003, own]));
  });

  it("sends to a contact's good devices when the contact's list holds bad entries", async () => {
    const bob = await bobClient();
    const bobOther = await foreignClient(BOB);
    await publishRawDeviceList(bobOther, [device('abc'), device(String(bob.engine.deviceId), LONG_LABEL), device('0')]);

    const carol = await startClient(server, CAROL, dirs.make('carol'));
    clients.push(carol);
    const sent = await carol.engine.send(jid(BOB), 'through a list with bad entries');
    expect(sent.devices.filter((d) => d.jid === jid(BOB)).map((d) => d.deviceId)).toEqual([bob.engine.deviceId]);
    await waitFor(() => bob.received.some((m) => m.id === sent.id), 15_000, 'bob receives');
    expect(carol.log).toContain('device-list-entries-left-out own=no skipped=2 labels-dropped=1 overflow=0');
  });
});

describe('device lists longer than the cap', () => {
  const longList = (extra: readonly number[] = []): Element[] => [
    ...Array.from({ length: MAX_DEVICES_PER_LIST + 5 }, (_, i) => device(String(5000 + i))),
    ...extra.map((id) => device(String(id))),
  ];

  it('signs in without republishing an over-long list of ours that already holds our device', async () => {
    const dir = dirs.make('frank');
    const own = await newDeviceId(FRANK, dir);
    const other = await foreignClient(FRANK);
    await publishRawDeviceList(other, longList([own]));
    const frank = await startClient(server, FRANK, dir);
    clients.push(frank);
    expect(frank.engine.deviceId).toBe(own);
    expect(await publishedEntryCount(other)).toBe(MAX_DEVICES_PER_LIST + 6);
    expect(frank.log).toContain('device-list-entries-left-out own=yes skipped=0 labels-dropped=0 overflow=6');
    await frank.stop();
    clients.splice(clients.indexOf(frank), 1);
  });

  it('fails sign-in rather than push devices of ours out of a full list', async () => {
    const other = await foreignClient(FRANK);
    await publishRawDeviceList(other, longList());
    const { error } = await failedSignIn(FRANK, dirs.make('frank-2'));
    expect(isMessagingError(error, 'device-list-full'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/remove old devices/);
    expect(await publishedEntryCount(other)).toBe(MAX_DEVICES_PER_LIST + 5);
  });
});

describe('device-id collisions within the account', () => {
  it('gives a new device another id when its id is taken by a device with another identity key', async () => {
    // The new device exists in the store before it ever signs in: its random id is known.
    const dir = dirs.make('dave');
    const taken = await newDeviceId(DAVE, dir);

    // Another client of the account already uses that id, with its own identity key.
    const other = await foreignClient(DAVE);
    const otherBundle = foreignBundle(DAVE, taken);
    await publishBundle(other, otherBundle);
    await publishDeviceList(other, [{ id: taken, label: 'Other client' }]);

    const dave = await startClient(server, DAVE, dir);
    clients.push(dave);
    const moved = dave.engine.deviceId;
    expect(moved).not.toBe(taken);
    expect(dave.store.account.get()?.deviceId).toBe(moved);
    expect(dave.log).toContain(`device-id-collision previous=${taken} device=${moved}`);
    expect(ids(await fetchDeviceList(other))).toEqual(sorted([taken, moved]));
    expect((await fetchBundle(other, jid(DAVE), taken))?.identityKey).toEqual(otherBundle.identityKey);
    expect((await fetchBundle(other, jid(DAVE), moved))?.identityKey).toEqual(getOwnBundle(protocolContext(dave.store, defaultBackend(), Date.now)).identityKey);

    // Messages work both ways under the new id.
    const bob = await bobClient();
    const toDave = await bob.engine.send(jid(DAVE), 'to the moved device');
    expect(toDave.devices.some((d) => d.jid === jid(DAVE) && d.deviceId === moved)).toBe(true);
    await waitFor(() => dave.received.some((m) => m.id === toDave.id), 15_000, 'dave receives');
    expect(dave.received.find((m) => m.id === toDave.id)).toMatchObject({ body: 'to the moved device', device: bob.engine.deviceId });
    const toBob = await dave.engine.send(jid(BOB), 'from the moved device');
    await waitFor(() => bob.received.some((m) => m.id === toBob.id), 15_000, 'bob receives');
    expect(bob.received.find((m) => m.id === toBob.id)).toMatchObject({ body: 'from the moved device', device: moved });
  });

  it('refuses to sign in a used device whose id another device took, leaving that bundle alone', async () => {
    const dir = dirs.make('erin');
    const erin = await startClient(server, ERIN, dir);
    const erinId = erin.engine.deviceId;
    const bob = await bobClient();
    const toErin = await bob.engine.send(jid(ERIN), 'erin has a session now');
    await waitFor(() => erin.received.some((m) => m.id === toErin.id), 15_000, 'erin receives');
    await erin.stop();

    // Another client overwrites erin's bundle with its own identity under the same id.
    const other = await foreignClient(ERIN);
    const otherBundle = foreignBundle(ERIN, erinId);
    await publishBundle(other, otherBundle);

    const { error, deviceId, storedId } = await failedSignIn(ERIN, dir);
    expect(isMessagingError(error, 'device-id-taken'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/remove the other device .* or set this device up again/);
    expect(deviceId).toBe(erinId);
    expect(storedId).toBe(erinId);
    expect((await fetchBundle(other, jid(ERIN), erinId))?.identityKey).toEqual(otherBundle.identityKey);
  });

  it('writes its bundle over what is no bundle under the id of a used device, and signs in', async () => {
    const dir = dirs.make('grace');
    const grace = await startClient(server, GRACE, dir);
    const graceId = grace.engine.deviceId;
    const bob = await bobClient();
    const toGrace = await bob.engine.send(jid(GRACE), 'grace has a session now');
    await waitFor(() => grace.received.some((m) => m.id === toGrace.id), 15_000, 'grace receives');
    await grace.stop();

    const other = await foreignClient(GRACE);
    const ours = (await fetchBundle(other, jid(GRACE), graceId))!;
    const junk = xml('bundle', { xmlns: NS_OMEMO2 }, xml('spk', { id: '1' }, 'not a key'));
    await publish(other, { node: NODE_BUNDLES, itemId: String(graceId), payload: junk, options: BUNDLES_NODE_CONFIG });
    await expect(fetchBundle(other, jid(GRACE), graceId)).rejects.toMatchObject({ code: 'malformed' });

    const again = await startClient(server, GRACE, dir);
    clients.push(again);
    expect(again.engine.deviceId).toBe(graceId);
    expect((await fetchBundle(other, jid(GRACE), graceId))?.identityKey).toEqual(ours.identityKey);
  });
});
