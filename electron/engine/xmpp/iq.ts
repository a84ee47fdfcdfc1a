/**
 * Outgoing IQ requests and their responses (RFC 6120 §8.2.3). Unlike xmpp.js's caller, a
 * response only counts when it comes from the entity we asked (or, for requests without
 * 'to', from our own account or server), so another entity cannot answer in its place.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from '@xmpp/middleware';
import type { Element } from '@xmpp/xml';
import { XmppError } from './errors.js';
import { bareJid, sameBareJid } from './jid.js';

export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

interface Pending {
  readonly to: string | undefined;
  resolve(iq: Element): void;
  reject(error: XmppError): void;
  readonly timer: NodeJS.Timeout;
}

/** XmppError('stanza-error') from an `<iq type='error'>` (or message/presence error). */
export function stanzaError(stanza: Element): XmppError {
  const error = stanza.getChild('error');
  const conditions = error?.getChildElements() ?? [];
  const condition = conditions.find((c) => c.getNS() === NS_STANZAS && c.name !== 'text')?.name ?? 'undefined-condition';
  const appCondition = conditions.find((c) => c.getNS() !== NS_STANZAS)?.name;
  const serverText = error?.getChildText('text', NS_STANZAS) ?? undefined;
  return new XmppError('stanza-error', `the request failed: ${condition}${appCondition ? ` (${appCondition})` : ''}`, {
    condition,
    appCondition,
    serverText,
  });
}

export class IqTracker {
  readonly #pending = new Map<string, Pending>();

  /**
   * @param ownJid the full JID we are bound to (once bound), to validate responses to requests without 'to'.
   * @param send writes a stanza to the stream.
   */
  constructor(
    middleware: Middleware,
    private readonly ownJid: () => string | undefined,
    private readonly domain: string,
    private readonly send: (stanza: Element) => Promise<void>,
  ) {
    middleware.use((ctx, next) => {
      const { stanza } = ctx;
      const type = stanza.attrs.type;
      if (stanza.name !== 'iq' || (type !== 'result' && type !== 'error')) return next();
      const id = stanza.attrs.id ?? '';
      const pending = this.#pending.get(id);
      if (!pending || !this.isFromExpected(stanza.attrs.from, pending.to)) return next();
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      if (type === 'error') pending.reject(stanzaError(stanza));
      else pending.resolve(stanza);
      return undefined;
    });
  }

  private isFromExpected(from: string | undefined, to: string | undefined): boolean {
    const own = this.ownJid();
    if (to === undefined) {
      // RFC 6120 §10.3.3: requests without 'to' are answered by the account (from absent, bare or full JID) or its server.
      if (from === undefined) return true;
      return (own !== undefined && sameBareJid(from, own) && (from.includes('/') ? from === own : true)) || from === this.domain;
    }
    if (from === undefined) return own !== undefined && sameBareJid(to, own);
    try {
      return to.includes('/') ? from === to : bareJid(from) === bareJid(to) && !from.includes('/');
    } catch {
      return false;
    }
  }

  /** Sends an IQ and resolves with the `<iq type='result'>`; rejects with XmppError on error or timeout. */
  async request(iq: Element, timeoutMs: number): Promise<Element> {
    const id = iq.attrs.id ?? randomUUID();
    iq.attrs.id = id;
    const to = iq.attrs.to;
    const answered = new Promise<Element>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new XmppError('timeout', `no answer to an IQ within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { to, resolve, reject, timer });
    });
    try {
      await this.send(iq);
    } catch (error) {
      const pending = this.#pending.get(id);
      if (pending) {
        clearTimeout(pending.timer);
        this.#pending.delete(id);
      }
      throw error instanceof XmppError ? error : new XmppError('not-connected', 'the IQ could not be sent', { cause: error });
    }
    return answered;
  }

  /** Fails every outstanding request (the session they belonged to is gone). */
  rejectAll(error: XmppError): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.reject(error);
    }
  }

  get size(): number {
    return this.#pending.size;
  }
}
