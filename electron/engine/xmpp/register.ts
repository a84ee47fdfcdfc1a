/**
 * XEP-0077 in-band registration: creates an account on the server before anyone can log in
 * with it. Its own short-lived stream (TCP, STARTTLS with the same certificate checks as
 * XmppConnection), then `<query xmlns='jabber:iq:register'>` with the user name and password
 * (XEP-0077 §3.1), never before the stream is encrypted. No SASL, no session.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@xmpp/client-core';
import createMiddleware from '@xmpp/middleware';
import createStreamFeatures from '@xmpp/stream-features';
import tcp from '@xmpp/tcp';
import type { Element } from '@xmpp/xml';
import { toXmppError, XmppError } from './errors.js';
import { stanzaError } from './iq.js';
import { parseJid } from './jid.js';
import { isLoopbackHost, NS_STREAM, requireTls, startTls } from './negotiation.js';
import { xml } from './xml.js';

export const NS_REGISTER = 'jabber:iq:register';
/** Stream feature the server advertises when it accepts registration on this stream (XEP-0077 §3.1). */
export const NS_FEATURE_REGISTER = 'http://jabber.org/features/iq-register';

export interface RegistrationOptions {
  /** Bare JID of the account to create. */
  readonly jid: string;
  readonly password: string;
  /** Host to connect to; default the JID's domain. */
  readonly host?: string;
  /** Default 5222. */
  readonly port?: number;
  /** PEM CA certificate(s) trusted instead of the system store. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Accept a server without STARTTLS, only on a loopback host (tests). */
  readonly allowPlaintextLoopback?: boolean;
  /** The whole exchange must finish within this. Default 20 s. */
  readonly timeoutMs?: number;
}

/**
 * Registers `jid` with `password`. Rejects with XmppError: 'stanza-error' with condition
 * 'conflict' when the name is taken, 'not-acceptable' / 'not-allowed' when the server
 * refuses, 'service-unavailable' when it offers no in-band registration; otherwise the
 * connection's codes (unreachable, certificate-rejected, insecure, timeout).
 */
export async function registerAccount(options: RegistrationOptions): Promise<void> {
  const jid = parseJid(options.jid);
  if (!jid.local) throw new XmppError('malformed', 'the account must be a bare JID (user@domain)');
  const host = options.host ?? jid.domain;
  const service = `xmpp://${host.includes(':') ? `[${host}]` : host}:${options.port ?? 5222}`;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const policy = { domain: jid.domain, ca: options.ca, plaintextAllowed: options.allowPlaintextLoopback === true && isLoopbackHost(host) };

  const entity = new Client({ service, domain: jid.domain, lang: 'en', timeout: timeoutMs });
  tcp({ entity });
  const middleware = createMiddleware({ entity });
  const streamFeatures = createStreamFeatures({ middleware });
  requireTls(middleware, policy);
  startTls(streamFeatures, policy);

  let settle: (error?: XmppError) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error ? reject(error) : resolve());
  });
  // After STARTTLS (or on an allowed plaintext loopback stream) the features end up here.
  middleware.use(async (ctx, next) => {
    if (!ctx.stanza.is('features', NS_STREAM)) return next();
    if (!ctx.stanza.getChild('register', NS_FEATURE_REGISTER)) {
      settle(new XmppError('stanza-error', 'the server does not offer in-band registration', { condition: 'service-unavailable' }));
      return undefined;
    }
    settle(await submit(entity, jid.local!, options.password, timeoutMs));
    return undefined;
  });
  entity.on('error', (error: unknown) => settle(toXmppError(error)));
  entity.on('disconnect', () => settle(new XmppError('unreachable', 'the connection closed during registration')));
  const timer = setTimeout(() => settle(new XmppError('timeout', `registration did not complete within ${timeoutMs} ms`)), timeoutMs);

  try {
    await entity.connect(service).then(() => entity.open({ domain: jid.domain, lang: 'en' }));
    await done;
  } catch (error) {
    throw toXmppError(error);
  } finally {
    clearTimeout(timer);
    await close(entity);
  }
}

/** Sends the registration form and waits for its answer: undefined on success. */
async function submit(entity: Client, username: string, password: string, timeoutMs: number): Promise<XmppError | undefined> {
  const id = randomUUID();
  const answer = new Promise<Element>((resolve) => {
    const onElement = (el: Element): void => {
      if (!el.is('iq') || el.attrs.id !== id) return;
      entity.off('element', onElement);
      resolve(el);
    };
    entity.on('element', onElement);
  });
  const request = xml('iq', { type: 'set', id }, xml('query', { xmlns: NS_REGISTER }, xml('username', {}, username), xml('password', {}, password)));
  try {
    await entity.send(request);
  } catch (error) {
    return new XmppError('unreachable', 'the registration request could not be written', { cause: error });
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  const iq = await Promise.race([answer, late]).finally(() => clearTimeout(timer));
  if (iq === undefined) return new XmppError('timeout', 'the server did not answer the registration');
  return iq.attrs.type === 'result' ? undefined : stanzaError(iq);
}

async function close(entity: Client): Promise<void> {
  try {
    if (entity.status !== 'offline') await entity.stop();
  } catch {
    const socket = entity.socket;
    socket?.socket?.destroy();
    socket?.destroy?.();
  }
}
