import type { Element } from '@xmpp/xml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProtocolContext } from '../protocol/index.js';
import type { Store } from '../store/index.js';
import { newTestStore, tempDirs } from '../store/test-support.js';
import { XmppError } from '../xmpp/errors.js';
import { xml } from '../xmpp/xml.js';
import { ArchiveCatchUp, archiveCursorKey } from './catch-up.js';
import type { EngineContext } from './context.js';
import { NS_MAM } from './namespaces.js';
import type { Transport } from './transport.js';

const OWN = 'bob@example.test';
const dirs = tempDirs();
let store: Store;
let log: string[];
beforeEach(async () => {
  store = await newTestStore(dirs.make());
  log = [];
});
afterEach(() => {
  store.close();
  dirs.cleanup();
});

/** An ArchiveCatchUp whose IQs `answer` handles (throw for an error answer). */
function catchUpWith(answer: (payload: Element) => Element): { catchUp: ArchiveCatchUp; asked: Element[] } {
  const asked: Element[] = [];
  const transport = {
    jid: OWN,
    iq: async (_type: string, payload: Element) => {
      asked.push(payload);
      return answer(payload);
    },
  } as unknown as Transport;
  const ctx: EngineContext = {
    store,
    transport,
    protocol: {} as ProtocolContext,
    jid: OWN,
    deviceId: 1,
    now: Date.now,
    log: (line) => log.push(line),
    emit: () => undefined,
  };
  return { catchUp: new ArchiveCatchUp(ctx, () => undefined, { clockSkewMs: 1_000 }), asked };
}

const metadata = (end?: { id: string; timestamp: string }): Element =>
  xml('iq', { type: 'result' }, xml('metadata', { xmlns: NS_MAM }, xml('start', { id: 'first', timestamp: '2026-01-01T00:00:00Z' }), end && xml('end', end)));

const LEFT_AT = Date.parse('2026-01-02T10:00:00Z');

describe('whether to catch up before going available (archive metadata)', () => {
  it('names the newest item when the archive received it after we left', async () => {
    const { catchUp, asked } = catchUpWith(() => metadata({ id: 'newest', timestamp: '2026-01-02T10:00:05Z' }));
    expect(await catchUp.newSince(LEFT_AT)).toBe('newest');
    expect(asked.map((p) => p.toString())).toEqual([`<metadata xmlns="${NS_MAM}"/>`]); // not a query: Prosody keeps pushing offline storage
  });

  it('says no when the newest item came before we left, even if it is not our cursor (our own last stanzas)', async () => {
    store.syncState.set(archiveCursorKey(OWN), 'last-received');
    const { catchUp } = catchUpWith(() => metadata({ id: 'our-own-receipt', timestamp: '2026-01-02T10:00:00.500Z' }));
    expect(await catchUp.newSince(LEFT_AT)).toBeUndefined(); // within the allowed clock skew
  });

  it('says no when the newest item is our cursor, the archive is empty, or the server cannot tell', async () => {
    store.syncState.set(archiveCursorKey(OWN), 'newest');
    expect(await catchUpWith(() => metadata({ id: 'newest', timestamp: '2026-01-03T00:00:00Z' })).catchUp.newSince(LEFT_AT)).toBeUndefined();
    expect(await catchUpWith(() => metadata()).catchUp.newSince(LEFT_AT)).toBeUndefined();
    const unsupported = catchUpWith(() => {
      throw new XmppError('stanza-error', 'the request failed: feature-not-implemented', { condition: 'feature-not-implemented' });
    });
    expect(await unsupported.catchUp.newSince(LEFT_AT)).toBeUndefined();
    expect(log).toEqual(['catch-up-metadata-unknown reason=stanza-error']);
  });

  it('takes the newest item without a time as new', async () => {
    expect(await catchUpWith(() => metadata({ id: 'newest', timestamp: '' })).catchUp.newSince(LEFT_AT)).toBe('newest');
  });
});

describe('the catch-up cursor', () => {
  it('starts over by time only when the archive no longer knows the cursor, not when the connection fails', async () => {
    store.syncState.set(archiveCursorKey(OWN), 'gone');
    const refused = catchUpWith((payload) => {
      if (payload.getChild('set')?.getChildText('after') === 'gone') throw new XmppError('stanza-error', 'the request failed: item-not-found', { condition: 'item-not-found' });
      return xml('iq', { type: 'result' }, xml('fin', { xmlns: NS_MAM, complete: 'true' }));
    });
    await refused.catchUp.run(Date.parse('2026-01-01T00:00:00Z'), 'newest');
    expect(refused.asked.map((p) => p.getChild('x')?.getChildren('field').some((f) => f.attrs.var === 'start'))).toEqual([false, true]);

    const lost = catchUpWith(() => {
      throw new XmppError('not-connected', 'the session ended before the answer came');
    });
    await expect(lost.catchUp.run(0, 'newest')).rejects.toThrow('the session ended');
    expect(lost.asked).toHaveLength(1);
    expect(store.syncState.get(archiveCursorKey(OWN))).toBe('gone');
  });
});
