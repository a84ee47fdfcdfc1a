import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '../../electron/engine/xmpp/xml.js';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { ALICE, BOB, jidOf, nextEvent, startClient, startServer, tempDirs, waitFor, type Client } from './helpers.js';

let server: ProsodyServer;
const dirs = tempDirs();
let alice: Client;
let bob: Client;

beforeAll(async () => {
  server = await startServer();
  alice = await startClient(server, ALICE, dirs.make('alice'));
  bob = await startClient(server, BOB, dirs.make('bob'));
});
afterAll(async () => {
  await alice?.stop();
  await bob?.stop();
  await server?.stop();
  dirs.cleanup();
});

const b64 = (n: number): string => randomBytes(n).toString('base64');

/** An OMEMO:2 message whose key for bob's device is garbage (a forged or corrupted stanza). */
function garbled(id: string, sid: number, bobJid: string, rid: number) {
  return xml(
    'message',
    { to: bobJid, id, type: 'chat' },
    xml('encrypted', { xmlns: 'urn:xmpp:omemo:2' }, xml('header', { sid: String(sid) }, xml('keys', { jid: bobJid }, xml('key', { rid: String(rid) }, b64(80)))), xml('payload', {}, b64(40))),
    xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id }),
  );
}

describe('failures never crash the engine', () => {
  it('records an undecryptable message with a reason, and replaces the session after repeated failures', async () => {
    const bobJid = jidOf(server, BOB);
    const aliceJid = jidOf(server, ALICE);
    const hello = await alice.engine.send(bobJid, 'a normal message first');
    await waitFor(() => bob.received.some((m) => m.id === hello.id), 15_000, 'first message');

    const failed = nextEvent(bob.engine, 'undecryptable', (m) => m.id === 'garbled-1');
    await alice.connection.send(garbled('garbled-1', alice.engine.deviceId, bobJid, bob.engine.deviceId));
    const [event] = await failed;
    expect(event).toMatchObject({ from: aliceJid, device: alice.engine.deviceId });
    expect(event.reason).toMatch(/^[a-z-]+$/);
    expect(bob.store.messages.get('garbled-1')).toMatchObject({ state: 'undecryptable', stateReason: event.reason, body: undefined });

    // Two more failures from the same device: bob rebuilds the session and announces it.
    const renewed = nextEvent(alice.engine, 'devices', (c) => c.jid === bobJid);
    await alice.connection.send(garbled('garbled-2', alice.engine.deviceId, bobJid, bob.engine.deviceId));
    await alice.connection.send(garbled('garbled-3', alice.engine.deviceId, bobJid, bob.engine.deviceId));
    await waitFor(() => bob.log.some((l) => l.startsWith('session-reset')), 15_000, 'session reset');
    await renewed; // alice decrypted bob's empty key exchange: a new session
    const after = await alice.engine.send(bobJid, 'after the reset');
    await waitFor(() => bob.received.some((m) => m.id === after.id), 15_000, 'message on the new session');
    expect(bob.received.find((m) => m.id === after.id)?.body).toBe('after the reset');
  });

  it('drops malformed stanzas with a log line holding no content, and keeps working', async () => {
    const bobJid = jidOf(server, BOB);
    await alice.connection.send(xml('message', { to: bobJid, id: 'bad-1', type: 'chat' }, xml('encrypted', { xmlns: 'urn:xmpp:omemo:2' }, xml('payload', {}, 'secret-looking-text'))));
    await alice.connection.send(xml('message', { to: bobJid, id: 'bad-2', type: 'chat' }, xml('encrypted', { xmlns: 'urn:xmpp:omemo:2' }, xml('header', { sid: 'x' }))));
    const ok = await alice.engine.send(bobJid, 'still fine');
    await waitFor(() => bob.received.some((m) => m.id === ok.id), 15_000, 'message after malformed ones');
    const dropped = bob.log.filter((l) => l.startsWith('stanza-dropped'));
    expect(dropped.length).toBeGreaterThanOrEqual(2);
    expect(bob.log.join('\n')).not.toMatch(/secret-looking-text|still fine/);
    expect(bob.store.messages.get('bad-1')).toBeUndefined();
  });

  it('handles a device list with hundreds of stale entries', async () => {
    const bobJid = jidOf(server, BOB);
    const stale = Array.from({ length: 300 }, (_, i) => 1_000_000 + i);
    const devices = [bob.engine.deviceId, ...stale].map((id) => xml('device', { id: String(id) }));
    await bob.connection.iq(
      'set',
      xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub' }, xml('publish', { node: 'urn:xmpp:omemo:2:devices' }, xml('item', { id: 'current' }, xml('devices', { xmlns: 'urn:xmpp:omemo:2' }, ...devices)))),
    );
    await alice.engine.refreshDevices(bobJid);
    const started = Date.now();
    const sent = await alice.engine.send(bobJid, 'past the stale devices');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(sent.devices.filter((d) => d.jid === bobJid).map((d) => d.deviceId)).toEqual([bob.engine.deviceId]);
    await waitFor(() => bob.received.some((m) => m.id === sent.id), 15_000, 'message despite stale devices');
    // Stale devices whose bundle is missing are not asked again on every message.
    const again = Date.now();
    await alice.engine.send(bobJid, 'second');
    expect(Date.now() - again).toBeLessThan(1_000);
  }, 60_000);
});
