import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProsodyServer } from '../../scripts/prosody/launcher.js';
import { XmppConnection } from '../../electron/engine/xmpp/connection.js';
import { isXmppError, XmppError } from '../../electron/engine/xmpp/errors.js';
import { xml } from '../../electron/engine/xmpp/xml.js';
import { ALICE, BOB, connectionFor, nextStanza, recordStates, startRelay, startTestServer, waitForState } from './helpers.js';

let server: ProsodyServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const chat = (to: string, body: string) => xml('message', { to, type: 'chat' }, xml('body', {}, body));

describe('XmppConnection against Prosody', () => {
  it('logs in over STARTTLS with the test CA using SCRAM-SHA-256 and stream management', async () => {
    const alice = connectionFor(server, ALICE);
    const states = recordStates(alice);
    await alice.connect();
    expect(alice.state).toBe('online');
    expect(alice.jid).toMatch(/^alice@localhost\/.+/);
    expect(alice.session).toEqual({ tls: true, mechanism: 'SCRAM-SHA-256', streamManagement: true, resumable: true });
    await alice.disconnect();
    expect(states.map((s) => s.state)).toEqual(['connecting', 'online', 'offline']);
  });

  it('rejects the server certificate when the test CA is not given (system CAs only)', async () => {
    const alice = connectionFor(server, ALICE, { ca: undefined });
    const error = await alice.connect().then(() => undefined, (e: unknown) => e);
    expect(isXmppError(error, 'certificate-rejected')).toBe(true);
    expect(alice.status).toMatchObject({ state: 'error', error: { code: 'certificate-rejected' } });
  });

  it('reports a domain the server does not serve as a final stream error (host-unknown)', async () => {
    const stranger = new XmppConnection({
      jid: 'alice@other.test',
      password: ALICE.password,
      host: server.host,
      port: server.port,
      ca: readFileSync(server.caFile),
    });
    const error = await stranger.connect().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'stream-error', condition: 'host-unknown' });
  });

  it('reports a wrong password as auth-failed without the password in the message', async () => {
    const wrong = 'not-the-Password-9';
    const alice = connectionFor(server, { user: 'alice', password: wrong });
    const error = await alice.connect().then(() => undefined, (e: unknown) => e);
    expect(isXmppError(error, 'auth-failed')).toBe(true);
    expect((error as XmppError).condition).toBe('not-authorized');
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain(wrong);
    expect(alice.state).toBe('error');
  });

  it('reports a closed port as unreachable', async () => {
    const relay = await startRelay(server.port);
    const port = relay.port;
    await relay.close();
    const alice = connectionFor(server, ALICE, { port });
    const error = await alice.connect().then(() => undefined, (e: unknown) => e);
    expect(isXmppError(error, 'unreachable')).toBe(true);
  });

  it('delivers a message and reports the server ack (XEP-0198) for its id', async () => {
    const alice = connectionFor(server, ALICE);
    const bob = connectionFor(server, BOB);
    await Promise.all([alice.connect(), bob.connect()]);
    await bob.send(xml('presence'));
    const acked = new Promise<string | undefined>((resolve) => alice.on('acked', (id, s) => s.name === 'message' && resolve(id)));
    const received = nextStanza(bob, (s) => (s.name === 'message' ? s.getChildText('body') : undefined));
    const id = await alice.send(chat(`bob@${server.domain}`, 'hello <bob> & co'));
    expect(await acked).toBe(id);
    expect(await received).toBe('hello <bob> & co');
    const pong = await alice.iq('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: server.domain });
    expect(pong.attrs.type).toBe('result');
    await Promise.all([alice.disconnect(), bob.disconnect()]);
  });

  it('resumes the session (XEP-0198) after the network drops: reconnecting → online, resumed', async () => {
    const relay = await startRelay(server.port);
    const alice = connectionFor(server, ALICE, { port: relay.port });
    await alice.connect();
    const boundJid = alice.jid;
    const states = recordStates(alice);
    const reconnecting = waitForState(alice, 'reconnecting');
    relay.cut();
    await reconnecting;
    const back = await waitForState(alice, 'online');
    expect(back.resumed).toBe(true);
    expect(alice.jid).toBe(boundJid);
    expect(states.map((s) => s.state)).toContain('reconnecting');
    const pong = await alice.iq('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: server.domain });
    expect(pong.attrs.type).toBe('result');
    await alice.disconnect();
    await relay.close();
  });

  it('reconnects with a fresh session after the server is killed and restarted on the same port', async () => {
    const alice = connectionFor(server, ALICE);
    await alice.connect();
    const states = recordStates(alice);
    const unacked: (string | undefined)[] = [];
    alice.on('unacked', (id) => unacked.push(id));
    const reconnecting = waitForState(alice, 'reconnecting');
    await server.kill();
    await reconnecting;
    await expect(alice.send(chat(`bob@${server.domain}`, 'while down'))).rejects.toSatisfy((e) => isXmppError(e, 'not-connected'));
    await server.restart();
    const back = await waitForState(alice, 'online', 20_000);
    expect(back.resumed).toBe(false);
    expect(states[0]?.state).toBe('reconnecting');
    expect(states.at(-1)?.state).toBe('online');
    const pong = await alice.iq('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: server.domain });
    expect(pong.attrs.type).toBe('result');
    await alice.disconnect();
  });

  it('accounts for every message of a burst cut short by a server kill: each id is acked or reported unacked', async () => {
    const alice = connectionFor(server, ALICE);
    await alice.connect();
    const acked = new Set<string>();
    const unacked = new Set<string>();
    alice.on('acked', (id, s) => s.name === 'message' && id && acked.add(id));
    alice.on('unacked', (id, s) => s.name === 'message' && id && unacked.add(id));
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      ids.push(await alice.send(chat(`bob@${server.domain}`, `burst ${i}`)));
      if (i === 9) await new Promise((r) => setTimeout(r, 400)); // let the first ten be acked
    }
    await server.kill();
    await waitForState(alice, 'reconnecting');
    await server.restart();
    await waitForState(alice, 'online', 20_000);
    expect(acked.size).toBeGreaterThanOrEqual(10);
    expect([...acked].filter((id) => unacked.has(id))).toEqual([]);
    expect(new Set([...acked, ...unacked])).toEqual(new Set(ids));
    await alice.disconnect();
  });

  it('rejects a pending IQ as soon as a connection that does not reconnect is lost, not at its timeout', async () => {
    const alice = connectionFor(server, ALICE, { reconnect: false });
    await alice.connect();
    process.kill(server.pid!, 'SIGSTOP'); // the server takes the IQ but never answers
    try {
      const pending = alice.iq('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), { to: server.domain, timeoutMs: 120_000 }).then(
        () => 'answered',
        (e: unknown) => e,
      );
      const lost = waitForState(alice, 'error');
      await server.kill();
      await lost;
      expect(isXmppError(await pending, 'not-connected')).toBe(true);
    } finally {
      await server.restart();
    }
    await alice.disconnect();
  });
});
