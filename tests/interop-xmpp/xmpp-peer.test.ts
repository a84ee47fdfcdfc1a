/**
 * The harness on its own: two python-omemo clients talk OMEMO:2 through a real Prosody. If this fails,
 * the Parley interop tests beside it cannot be trusted to blame Parley.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../scripts/prosody/launcher.js';
import { assertInteropEnvironment } from './environment.js';
import { XmppPeer } from './xmpp-peer.js';

const ANNE = { user: 'anne', password: 'anne-Secret-1' };
const BERT = { user: 'bert', password: 'bert-Secret-2' };

let server: ProsodyServer | undefined;
let anne: XmppPeer | undefined;
let bert: XmppPeer | undefined;
let stateDir: string | undefined;

const jidOf = (account: { user: string }): string => `${account.user}@${server!.domain}`;

beforeAll(async () => {
  assertInteropEnvironment();
  server = await startProsody({ accounts: [ANNE, BERT] });
  stateDir = mkdtempSync(join(tmpdir(), 'parley-xmpp-peer-'));
  [anne, bert] = await Promise.all(
    [ANNE, BERT].map((a) =>
      XmppPeer.start({ jid: jidOf(a), password: a.password, server: server!, storageFile: join(stateDir!, `${a.user}.json`) }),
    ),
  );
});

afterAll(async () => {
  await Promise.all([anne?.close(), bert?.close()]);
  await server?.stop();
  if (stateDir !== undefined) rmSync(stateDir, { recursive: true, force: true });
});

describe('python-omemo XMPP peer against Prosody', () => {
  it('publishes its device list and bundle over PEP where the other account can read them', async () => {
    const published = (peer: XmppPeer) => [
      { device: peer.identity.device, identityKey: peer.identity.identityKey, fingerprint: peer.identity.fingerprint },
    ];
    expect(await anne!.devices(jidOf(BERT))).toEqual(published(bert!));
    expect(await bert!.devices(jidOf(ANNE))).toEqual(published(anne!));
  });

  it('exchanges OMEMO:2 messages both ways, each wrapped in an XEP-0420 envelope with all affixes', async () => {
    const sent = await anne!.send(jidOf(BERT), 'hello bert');
    expect(sent.devices).toEqual([bert!.identity.device]);
    const [first] = await bert!.waitForMessages(jidOf(ANNE), 1);
    expect(first).toMatchObject({ body: 'hello bert', device: anne!.identity.device, id: sent.id, delay: null });
    expect(first!.affixes).toEqual(['rpad', 'time', 'to', 'from']);

    for (const text of ['one', 'two', 'three']) await bert!.send(jidOf(ANNE), text);
    const atAnne = await anne!.waitForMessages(jidOf(BERT), 3);
    expect(atAnne.map((m) => m.body)).toEqual(['one', 'two', 'three']);
  });

  it('delivers messages sent while the recipient was offline at its next sign-in, once each', async () => {
    await bert!.offline();
    const before = bert!.received(jidOf(ANNE)).length;
    for (const text of ['while away 1', 'while away 2']) await anne!.send(jidOf(BERT), text);
    await bert!.online();
    const all = await bert!.waitForMessages(jidOf(ANNE), before + 2);
    const stored = all.slice(before);
    expect(stored.map((m) => m.body)).toEqual(['while away 1', 'while away 2']);
    expect(stored.every((m) => m.delay !== null)).toBe(true); // came from offline storage (XEP-0203 stamp)
    await new Promise((r) => setTimeout(r, 1_000));
    expect(bert!.received(jidOf(ANNE))).toHaveLength(before + 2);
    expect(bert!.errors()).toEqual([]);
    expect(anne!.errors()).toEqual([]);
  });

  it('keeps its device and sessions across a restart when given a storage file', async () => {
    const device = bert!.identity.device;
    await bert!.close();
    bert = await XmppPeer.start({ jid: jidOf(BERT), password: BERT.password, server: server!, storageFile: join(stateDir!, 'bert.json') });
    expect(bert.identity.device).toBe(device);
    await anne!.send(jidOf(BERT), 'after the restart');
    const [received] = await bert.waitForMessages(jidOf(ANNE), 1);
    expect(received!.body).toBe('after the restart');
    expect(bert.errors()).toEqual([]);
  });
});
