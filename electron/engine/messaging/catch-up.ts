/**
 * Archive catch-up at sign-in (XEP-0313): everything our archive received since we were last
 * online, oldest first, page by page.
 *
 * Where to start: after the archive id stored as the cursor (RSM 'after', XEP-0059 §2.2),
 * else from a time. Where to stop: at the newest archive id when the catch-up began, so we
 * never page through what the archive keeps receiving meanwhile (our own receipts, live
 * messages: those reach us live). Each page is handled in one transaction that also moves the
 * cursor, and the next page is already requested while the current one is handled.
 *
 * The engine runs it before going available when the archive metadata says there is something
 * new (see MessagingEngine.#catchUpBeforePresence), else after presence; offline storage
 * (XEP-0160) delivers the archived messages again after presence, and the incoming side drops
 * those by id, so each is handled exactly once.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import type { Store } from '../store/index.js';
import { bareJid } from '../xmpp/jid.js';
import { xml } from '../xmpp/xml.js';
import type { EngineContext } from './context.js';
import { reasonOf } from './errors.js';
import { NS_DATA_FORMS, NS_MAM, NS_RSM } from './namespaces.js';
import { unwrapArchived, type InboundMessage } from './stanzas.js';

/** Results asked for per page; the test server allows this many (scripts/prosody/config.ts). */
const PAGE_SIZE = 250;
/** Upper bound on pages per catch-up, so a runaway archive cannot keep sign-in busy forever. */
const MAX_PAGES = 200;

/** The sync-state key of the catch-up cursor: the newest archive id handled. */
export const archiveCursorKey = (ownJid: string): string => `mam:${bareJid(ownJid)}`;

/** Handles one page of archived messages in one transaction, running `alsoInTransaction` in it. */
export type PageHandler = (messages: readonly InboundMessage[], alsoInTransaction: () => void) => void;

type From = { readonly start: number } | { readonly after: string };

interface Page {
  readonly results: InboundMessage[];
  readonly fin: Element | undefined;
}

function queryElement(queryId: string, from: From | undefined, rsm: Element): Element {
  return xml(
    'query',
    { xmlns: NS_MAM, queryid: queryId },
    xml(
      'x',
      { xmlns: NS_DATA_FORMS, type: 'submit' },
      xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
      from !== undefined && 'start' in from ? xml('field', { var: 'start' }, xml('value', {}, new Date(from.start).toISOString())) : undefined,
    ),
    rsm,
  );
}

const pageRequest = (after: string | undefined): Element =>
  xml('set', { xmlns: NS_RSM }, xml('max', {}, String(PAGE_SIZE)), after === undefined ? undefined : xml('after', {}, after));

/** XEP-0059 §2.5: an empty 'before' asks for the last page; with max 1, the newest item. */
const newestRequest = (): Element => xml('set', { xmlns: NS_RSM }, xml('max', {}, '1'), xml('before'));

const lastIdOf = (fin: Element | undefined): string | undefined => fin?.getChild('set', NS_RSM)?.getChildText('last') ?? undefined;

export class ArchiveCatchUp {
  /** Results of the queries in flight, by query id (they arrive as messages before the IQ result). */
  readonly #pages = new Map<string, InboundMessage[]>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly handlePage: PageHandler,
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

  /** The archive id the catch-up cursor points at (the newest one handled), if any. */
  get cursor(): string | undefined {
    return this.ctx.store.syncState.get(archiveCursorKey(this.ctx.jid));
  }

  /**
   * The id of the newest item in our archive from its metadata (XEP-0313 §6.3 in v1.1), which
   * unlike a query does not count as querying the archive (Prosody then still pushes offline
   * storage at presence). `{}` for an empty archive; undefined when the server does not say.
   */
  async newestFromMetadata(): Promise<{ readonly newest?: string } | undefined> {
    try {
      const answer = await this.ctx.transport.iq('get', xml('metadata', { xmlns: NS_MAM }));
      const metadata = answer.getChild('metadata', NS_MAM);
      if (!metadata) return undefined;
      const newest = metadata.getChild('end')?.attrs.id;
      return newest ? { newest } : {};
    } catch (error) {
      this.ctx.log(`catch-up-metadata-unknown reason=${reasonOf(error)}`);
      return undefined;
    }
  }

  /**
   * Processes every archived message after the stored cursor, or since `start` (ms) when there
   * is none (or the archive no longer knows it), up to the archive's newest item (`newest` when
   * the caller knows it already); returns how many were handed on.
   */
  async run(start: number, knownNewest?: string): Promise<number> {
    const key = archiveCursorKey(this.ctx.jid);
    const cursor = this.ctx.store.syncState.get(key);
    const newest = knownNewest ?? (await this.#newestId());
    if (cursor !== undefined && cursor === newest) return 0;
    if (cursor !== undefined) {
      try {
        return await this.#pageThrough({ after: cursor }, newest);
      } catch (error) {
        // XEP-0313 §5.1.2: item-not-found when the cursor's item is gone; start over by time.
        this.ctx.log(`catch-up-cursor-refused reason=${reasonOf(error)}`);
      }
    }
    return this.#pageThrough({ start }, newest);
  }

  async #pageThrough(from: From, newest: string | undefined): Promise<number> {
    const key = archiveCursorKey(this.ctx.jid);
    let handled = 0;
    let request = this.#query(queryElement(randomUUID(), from, pageRequest('after' in from ? from.after : undefined)));
    for (let page = 0; page < MAX_PAGES; page++) {
      const { results, fin } = await request;
      const last = lastIdOf(fin);
      const reachedNewest = newest !== undefined && results.some((m) => m.archiveId === newest);
      const done = !fin || fin.attrs.complete === 'true' || !last || results.length === 0 || reachedNewest || page + 1 === MAX_PAGES;
      // Pipelining: the server prepares the next page while we decrypt this one; order is kept.
      if (!done) request = this.#query(queryElement(randomUUID(), 'start' in from ? from : undefined, pageRequest(last)));
      this.handlePage(results, () => {
        if (last !== undefined) this.ctx.store.syncState.set(key, last);
      });
      handled += results.length;
      if (done) break;
    }
    return handled;
  }

  /** The id of the newest item in our archive now, if the server says. */
  async #newestId(): Promise<string | undefined> {
    try {
      return lastIdOf((await this.#query(queryElement(randomUUID(), undefined, newestRequest()))).fin);
    } catch (error) {
      this.ctx.log(`catch-up-newest-unknown reason=${reasonOf(error)}`);
      return undefined;
    }
  }

  /** One IQ of a query; its results are collected as they arrive (before the IQ result). */
  async #query(query: Element): Promise<Page> {
    const queryId = String(query.attrs.queryid);
    const results: InboundMessage[] = [];
    this.#pages.set(queryId, results);
    try {
      const answer = await this.ctx.transport.iq('set', query);
      return { results, fin: answer.getChild('fin', NS_MAM) };
    } finally {
      this.#pages.delete(queryId);
    }
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
