/**
 * Archive catch-up at sign-in (XEP-0313): everything our archive received since we were last
 * online, oldest first, page by page. Offline storage delivers the same messages again after
 * our presence; the incoming side drops those by id, so each is handled exactly once.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import type { Store } from '../store/index.js';
import { xml } from '../xmpp/xml.js';
import type { EngineContext } from './context.js';
import { NS_DATA_FORMS, NS_MAM, NS_RSM } from './namespaces.js';
import { unwrapArchived, type InboundMessage } from './stanzas.js';

const PAGE_SIZE = 100;
/** Upper bound on pages per catch-up, so a runaway archive cannot keep sign-in busy forever. */
const MAX_PAGES = 200;

function queryElement(queryId: string, start: number, after: string | undefined): Element {
  return xml(
    'query',
    { xmlns: NS_MAM, queryid: queryId },
    xml(
      'x',
      { xmlns: NS_DATA_FORMS, type: 'submit' },
      xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
      xml('field', { var: 'start' }, xml('value', {}, new Date(start).toISOString())),
    ),
    xml('set', { xmlns: NS_RSM }, xml('max', {}, String(PAGE_SIZE)), after === undefined ? undefined : xml('after', {}, after)),
  );
}

export class ArchiveCatchUp {
  /** Results of the queries in flight, by query id (they arrive as messages before the IQ result). */
  readonly #pages = new Map<string, InboundMessage[]>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly process: (message: InboundMessage) => Promise<void>,
  ) {}

  /** Takes an archive result of one of our queries; false for any other stanza. */
  take(stanza: Element): boolean {
    for (const [queryId, page] of this.#pages) {
      const archived = unwrapArchived(stanza, this.ctx.jid, queryId);
      if (archived) {
        page.push(archived);
        return true;
      }
    }
    return false;
  }

  /** Processes every archived message since `start` (ms); returns how many were handed on. */
  async run(start: number): Promise<number> {
    let after: string | undefined;
    let handled = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const queryId = randomUUID();
      const results: InboundMessage[] = [];
      this.#pages.set(queryId, results);
      let fin: Element | undefined;
      try {
        const answer = await this.ctx.transport.iq('set', queryElement(queryId, start, after));
        fin = answer.getChild('fin', NS_MAM);
      } finally {
        this.#pages.delete(queryId);
      }
      for (const message of results) await this.process(message);
      handled += results.length;
      const last = fin?.getChild('set', NS_RSM)?.getChildText('last') ?? undefined;
      if (!fin || fin.attrs.complete === 'true' || !last || results.length === 0) break;
      after = last;
    }
    return handled;
  }
}

/**
 * When this store last saw traffic: the newest message's arrival, else the device's creation
 * (its first signed pre-key): nothing older can have been encrypted for this device.
 */
export function lastActivity(store: Store, now: number): number {
  let newest = 0;
  for (const summary of store.conversationList()) {
    const m = summary.lastMessage;
    if (m) newest = Math.max(newest, m.receivedAt ?? m.sentAt);
  }
  if (newest === 0) newest = Math.min(now, ...store.protocol.listSignedPreKeys().map((k) => k.createdAt));
  return Math.min(newest, now);
}
