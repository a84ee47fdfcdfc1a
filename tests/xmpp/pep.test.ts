import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import type { XmppConnection } from '../../electron/engine/xmpp/connection.js';
import { BASE_FEATURES, capsElement, serveDiscoInfo, type ClientCapabilities } from '../../electron/engine/xmpp/disco.js';
import { NODE_BUNDLES, NODE_DEVICES } from '../../electron/engine/xmpp/omemo2-elements.js';
import {
  DEVICES_NOTIFY_FEATURE,
  fetchBundle,
  fetchDeviceList,
  onDeviceListUpdate,
  publishBundle,
  publishDeviceList,
  type DeviceListUpdate,
} from '../../electron/engine/xmpp/omemo2-pep.js';
import { configureNode, fetchItems, NS_PUBSUB_OWNER, publish } from '../../electron/engine/xmpp/pep.js';
import { xml } from '../../electron/engine/xmpp/xml.js';
import type { Bundle } from '../../electron/engine/protocol/types.js';
import { ALICE, BOB, connectionFor, nextStanza, startTestServer } from './helpers.js';

let server: ProsodyServer;
let alice: XmppConnection;
let bob: XmppConnection;
const aliceJid = () => `alice@${server.domain}`;
const bobJid = () => `bob@${server.domain}`;

const caps: ClientCapabilities = {
  node: 'https://parley.invalid/caps',
  identities: [{ category: 'client', type: 'pc', name: 'Parley' }],
  features: [...BASE_FEATURES, DEVICES_NOTIFY_FEATURE],
};

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const bundleOf = (deviceId: number, fill: number): Bundle => ({
  deviceId,
  identityKey: bytes(32, fill),
  signedPreKey: { id: 1, publicKey: bytes(32, fill + 1), signature: bytes(64, fill + 2) },
  preKeys: Array.from({ length: 25 }, (_, i) => ({ id: i + 1, publicKey: bytes(32, (fill + i) % 256) })),
});

/** `from` asks `to` for a presence subscription and `to` approves it. */
async function subscribe(from: XmppConnection, fromJid: string, to: XmppConnection, toJid: string): Promise<void> {
  const request = nextStanza(to, (s) => (s.name === 'presence' && s.attrs.type === 'subscribe' ? s : undefined));
  await from.send(xml('presence', { to: toJid, type: 'subscribe' }));
  await request;
  const approved = nextStanza(from, (s) => (s.name === 'presence' && s.attrs.type === 'subscribed' ? s : undefined));
  await to.send(xml('presence', { to: fromJid, type: 'subscribed' }));
  await approved;
}

beforeAll(async () => {
  server = await startTestServer();
  alice = connectionFor(server, ALICE);
  bob = connectionFor(server, BOB);
  await Promise.all([alice.connect(), bob.connect()]);
});
afterAll(async () => {
  await Promise.all([alice?.disconnect(), bob?.disconnect()]);
  await server?.stop();
});

describe('OMEMO:2 over PEP on Prosody', () => {
  it('publishes a device list with publish-options and another account reads it back', async () => {
    const devices = [{ id: 1001, label: 'Laptop' }, { id: 2002 }];
    expect(await publishDeviceList(alice, devices)).toEqual({ reconfigured: false });
    expect(await fetchDeviceList(bob, aliceJid())).toEqual(devices);
    expect(await fetchDeviceList(alice)).toEqual(devices);
  });

  it('configures the device list node open to everyone', async () => {
    const answer = await alice.iq('get', xml('pubsub', { xmlns: NS_PUBSUB_OWNER }, xml('configure', { node: NODE_DEVICES })));
    const access = answer
      .getChild('pubsub', NS_PUBSUB_OWNER)
      ?.getChild('configure')
      ?.getChild('x', 'jabber:x:data')
      ?.getChildren('field')
      .find((f) => f.attrs.var === 'pubsub#access_model')
      ?.getChildText('value');
    expect(access).toBe('open');
  });

  it('publishes bundles of several devices (max_items=max) and another account fetches each', async () => {
    await publishBundle(alice, bundleOf(1001, 10));
    await publishBundle(alice, bundleOf(2002, 20));
    expect(await fetchBundle(bob, aliceJid(), 1001)).toEqual(bundleOf(1001, 10));
    expect(await fetchBundle(bob, aliceJid(), 2002)).toEqual(bundleOf(2002, 20));
    expect(await fetchBundle(bob, aliceJid(), 3003)).toBeUndefined();
  });

  it('returns an empty list when our own account has published no devices', async () => {
    expect(await fetchDeviceList(bob)).toEqual([]);
  });

  it("reports Prosody's 'forbidden' for a stranger's unpublished node as a stanza error, not as 'no devices'", async () => {
    await expect(fetchDeviceList(alice, bobJid())).rejects.toMatchObject({ code: 'stanza-error', condition: 'forbidden' });
  });

  it('falls back to configure + republish when the node exists with another configuration', async () => {
    // Bob's bundles node first created with a configuration OMEMO cannot use: one item, presence access.
    await publish(bob, {
      node: NODE_BUNDLES,
      itemId: '4004',
      payload: xml('bundle', { xmlns: 'urn:xmpp:omemo:2' }),
      options: { 'pubsub#max_items': '1', 'pubsub#access_model': 'presence' },
    });
    // A publish with OMEMO's options now fails its precondition on the server, so the node is reconfigured.
    expect(await publishBundle(bob, bundleOf(5005, 50))).toEqual({ reconfigured: true });
    expect(await publishBundle(bob, bundleOf(6006, 60))).toEqual({ reconfigured: false });
    // Both bundles are kept (max_items is no longer 1) and readable by alice (access is open).
    expect(await fetchBundle(alice, bobJid(), 5005)).toEqual(bundleOf(5005, 50));
    expect(await fetchBundle(alice, bobJid(), 6006)).toEqual(bundleOf(6006, 60));
  });

  it('configureNode leaves out fields this server does not know', async () => {
    await configureNode(bob, NODE_BUNDLES, { 'pubsub#max_items': 'max', 'x-unknown#field': 'y' });
    expect((await fetchItems(alice, { node: NODE_BUNDLES, jid: bobJid() })).length).toBeGreaterThanOrEqual(2);
  });

  it('delivers device-list updates to a contact that advertises +notify in its caps', async () => {
    // Subscription stanzas only reach "interested" resources: ones that fetched the roster and are available (RFC 6121 §2.1.6, §3.1).
    const roster = () => xml('query', { xmlns: 'jabber:iq:roster' });
    await Promise.all([alice.iq('get', roster()), bob.iq('get', roster())]);
    await Promise.all([alice.send(xml('presence')), bob.send(xml('presence'))]);
    await subscribe(bob, bobJid(), alice, aliceJid());
    await subscribe(alice, aliceJid(), bob, bobJid());
    serveDiscoInfo(bob, caps);
    const updates: DeviceListUpdate[] = [];
    let notify: (u: DeviceListUpdate) => void = () => {};
    onDeviceListUpdate(bob, (u) => {
      updates.push(u);
      notify(u);
    });
    const until = (match: (u: DeviceListUpdate) => boolean) =>
      new Promise<DeviceListUpdate>((resolve) => {
        const found = updates.find(match);
        if (found) return resolve(found);
        notify = (u) => match(u) && resolve(u);
      });
    // Prosody asks bob's client for the caps features, sees +notify and sends the last published list.
    await bob.send(xml('presence', {}, capsElement(caps)));
    const initial = await until(() => true);
    expect(initial.devices.map((d) => d.id)).toEqual([1001, 2002]);
    // Then every new publication is pushed.
    const latest = until((u) => u.devices.some((d) => d.id === 7007));
    await publishDeviceList(alice, [{ id: 1001, label: 'Laptop' }, { id: 2002 }, { id: 7007, label: 'Phone' }]);
    const update = await latest;
    expect(update.jid).toBe(aliceJid());
    expect(update.devices.map((d) => d.id)).toEqual([1001, 2002, 7007]);
    expect(updates.every((u) => u.jid === aliceJid())).toBe(true);
  });
});
