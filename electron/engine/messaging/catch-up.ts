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
 * When: after presence, and first, before it, when the archive received something while we
 * were away (runBeforePresence). After initial presence the server pushes its offline storage
 * (XEP-0160), which holds the archived messages again, and answers no archive query before it
 * is done: after a long absence the user waited for the server to send everything twice.
 * Prosody, though, pushes offline storage only to a session that has not queried the archive,
 * and messages kept out of the archive (no-permanent-store: disappearing messages) live only
 * there. So after catching up before presence the engine signs in on a fresh stream: its
 * presence brings them, the incoming side drops the archived copies among them by id before
 * any decryption, and the catch-up after presence covers what arrived meanwhile.
 */
import { randomUUID } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import { isXmppError } from '../xmpp/errors.js';
import { bareJid } from '../xmpp/jid.js';
import { xml } from '../xmpp/xml.js';
import type { EngineContext } from './context.js';
import { reasonOf } from './errors.js';
import { NS_DATA_FORMS, NS_MAM, NS_RSM } from './namespaces.js';
import { unwrapArchived, type InboundMessage } from './stanzas.js';

/** Results asked for per page; the test server allows this many (scripts/prosody/config.ts). */
const PAGE_SIZE = 250;
/** How far the server's clock may run ahead of ours when we compare archive times with our own. */
const CLOCK_SKEW_MS = 10_000;
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

const pageRequest = (after: string | undefined, max: number): Element =>
  xml('set', { xmlns: NS_RSM }, xml('max', {}, String(max)), after === undefined ? undefined : xml('after', {}, after));

/** XEP-0059 §2.5: an empty 'before' asks for the last page; with max 1, the newest item. */
const newestRequest = (): Element => xml('set', { xmlns: NS_RSM }, xml('max', {}, '1'), xml('before'));

const lastIdOf = (fin: Element | undefined): string | undefined => fin?.getChild('set', NS_RSM)?.getChildText('last') ?? undefined;

/** Test seams. */
export interface CatchUpOptions {
  /** Results asked for per page (default 250). */
  readonly pageSize?: number;
  /** How far the server's clock may run ahead of ours (default 10 s). */
  readonly clockSkewMs?: number;
}

export class ArchiveCatchUp {
  /** Results of the queries in flight, by query id (they arrive as messages before the IQ result). */
  readonly #pages = new Map<string, InboundMessage[]>();
  readonly #pageSize: number;
  readonly #clockSkewMs: number;

  constructor(
    private readonly ctx: EngineContext,
    private readonly handlePage: PageHandler,
    options: CatchUpOptions = {},
  ) {
    this.#pageSize = options.pageSize ?? PAGE_SIZE;
    this.#clockSkewMs = options.clockSkewMs ?? CLOCK_SKEW_MS;
  }

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

  /**
   * The id of the archive's newest item if the archive received something after `lastOnline`
   * that we have not handled; undefined if not, or if the server does not say. Asks the archive
   * metadata (XEP-0313, urn:xmpp:mam:2#extended), which unlike a query does not make Prosody
   * withhold offline storage at presence. Our own last stanzas (messages, receipts) are
   * archived too, so the newest item differs from our cursor after almost every session: only
   * its time tells whether anything came while we were away.
   */
  async newSince(lastOnline: number): Promise<string | undefined> {
    let end: Element | undefined;
    try {
      const metadata = (await this.ctx.transport.iq('get', xml('metadata', { xmlns: NS_MAM }))).getChild('metadata', NS_MAM);
      end = metadata?.getChild('end');
    } catch (error) {
      this.ctx.log(`catch-up-metadata-unknown reason=${reasonOf(error)}`);
      return undefined;
    }
    const id = end?.attrs.id;
    if (!id || id === this.ctx.store.syncState.get(archiveCursorKey(this.ctx.jid))) return undefined;
    const at = Date.parse(end?.attrs.timestamp ?? '');
    return Number.isFinite(at) && at <= lastOnline + this.#clockSkewMs ? undefined : id;
  }

  /**
   * The catch-up before presence, if the archive received something after `lastOnline`;
   * true when it queried the archive (the stream is then no good for going available).
   * A failure is logged and left to the catch-up after presence.
   */
  async runBeforePresence(since: number, lastOnline: number): Promise<boolean> {
    const newest = await this.newSince(lastOnline);
    if (newest === undefined) return false;
    const handled = await this.run(since, newest).catch((e: unknown) => {
      this.ctx.log(`catch-up-failed reason=${reasonOf(e)}`);
      return 0;
    });
    this.ctx.log(`catch-up-before-presence messages=${handled}`);
    return true;
  }

  /**
   * Processes every archived message after the stored cursor, or since `start` (ms) when there
   * is none (or the archive no longer knows it), up to the archive's newest item
   * (`knownNewest` when the caller has it already); returns how many were handed on.
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
        // Anything else (a lost connection) is no reason to: the cursor stays where it got to.
        if (!isXmppError(error) || error.condition !== 'item-not-found') throw error;
        this.ctx.log(`catch-up-cursor-refused reason=${reasonOf(error)}`);
      }
    }
    return this.#pageThrough({ start }, newest);
  }

  async #pageThrough(from: From, newest: string | undefined): Promise<number> {
    const key = archiveCursorKey(this.ctx.jid);
    let handled = 0;
    let request = this.#query(queryElement(randomUUID(), from, pageRequest('after' in from ? from.after : undefined, this.#pageSize)));
    for (let page = 0; page < MAX_PAGES; page++) {
      const { results, fin } = await request;
      const last = lastIdOf(fin);
      const reachedNewest = newest !== undefined && results.some((m) => m.archiveId === newest);
      const done = !fin || fin.attrs.complete === 'true' || !last || results.length === 0 || reachedNewest || page + 1 === MAX_PAGES;
      // Pipelining: the server prepares the next page while we decrypt this one; order is kept.
      // The query is only handed to the socket here: a write queued behind one still in flight
      // goes out from the event loop, which the synchronous page handling below would block.
      if (!done) {
        request = this.#query(queryElement(randomUUID(), 'start' in from ? from : undefined, pageRequest(last, this.#pageSize)));
        request.catch(() => undefined); // awaited on the next turn; a failure must not count as unhandled meanwhile
        await new Promise((resolve) => setImmediate(resolve));
      }
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
