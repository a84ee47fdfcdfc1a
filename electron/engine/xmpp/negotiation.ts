/**
 * Stream feature handlers we own instead of xmpp.js 0.14's: STARTTLS that verifies the
 * certificate against our CA option (theirs passes no TLS options), the "TLS or nothing"
 * guard, and SASL with mechanism choice and a verified SCRAM server signature (RFC 6120 §5, §6).
 */
import { isIP } from 'node:net';
import type { Client } from '@xmpp/client-core';
import type { Middleware } from '@xmpp/middleware';
import type { StreamFeatures } from '@xmpp/stream-features';
import { canUpgrade, upgrade } from '@xmpp/starttls/starttls.js';
import type { Element } from '@xmpp/xml';
import { XmppError } from './errors.js';
import { createScramClient, saslPrep } from './scram.js';
import { xml } from './xml.js';

export const NS_STREAM = 'http://etherx.jabber.org/streams';
export const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

/** Mechanisms in order of preference. PLAIN only ever over TLS. */
const MECHANISM_PREFERENCE = ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'] as const;

/** Certificate verification failures Node reports (X.509 and hostname). */
const CERTIFICATE_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'CERT_SIGNATURE_FAILURE', 'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH',
]);

export const isCertificateError = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && CERTIFICATE_ERROR_CODES.has(String((e as { code?: unknown }).code));

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export interface TlsPolicy {
  readonly domain: string;
  /** PEM CA certificate(s) to trust instead of the system store. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** When the server offers no STARTTLS: true only for a loopback host with allowPlaintextLoopback. */
  readonly plaintextAllowed: boolean;
}

/**
 * Refuses a stream whose features offer neither STARTTLS nor (when allowed) plaintext.
 * Registered before the feature handlers so it sees the features first.
 */
export function requireTls(middleware: Middleware, policy: TlsPolicy): void {
  middleware.use((ctx, next) => {
    const { stanza, entity } = ctx;
    if (stanza.is('features', NS_STREAM) && !entity.isSecure() && !stanza.getChild('starttls', NS_TLS) && !policy.plaintextAllowed) {
      throw new XmppError('insecure', 'the server does not offer TLS');
    }
    return next();
  });
}

export function startTls(streamFeatures: StreamFeatures, policy: TlsPolicy): void {
  streamFeatures.use('starttls', NS_TLS, async ({ entity }) => {
    if (!canUpgrade(entity.socket)) throw new XmppError('protocol', 'STARTTLS offered on a stream that is already secure');
    const answer = await entity.sendReceive(xml('starttls', { xmlns: NS_TLS }));
    if (!answer.is('proceed', NS_TLS)) throw new XmppError('protocol', 'the server refused STARTTLS');
    let secured;
    try {
      secured = await upgrade(entity.socket, {
        host: policy.domain,
        servername: policy.domain,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        ...(policy.ca ? { ca: policy.ca as string | Buffer | (string | Buffer)[] } : {}),
      });
    } catch (error) {
      if (isCertificateError(error)) {
        throw new XmppError('certificate-rejected', `the server certificate for ${policy.domain} was rejected (${String((error as { code?: unknown }).code)})`, { cause: error });
      }
      throw new XmppError('unreachable', 'the TLS handshake failed', { cause: error });
    }
    entity._attachSocket(secured);
    await entity.restart();
  });
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Receives the SASL nonzas of one exchange, in order, as they arrive. */
function saslReceiver(entity: Client, timeoutMs: number): { next(): Promise<Element>; close(): void } {
  const queue: Element[] = [];
  let waiting: { resolve(e: Element): void; reject(e: Error): void } | undefined;
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    waiting?.reject(error);
    waiting = undefined;
  };
  const onNonza = (el: Element): void => {
    if (el.getNS() !== NS_SASL) return;
    if (waiting) {
      waiting.resolve(el);
      waiting = undefined;
    } else queue.push(el);
  };
  const onDisconnect = (): void => fail(new XmppError('unreachable', 'the connection closed during authentication'));
  entity.on('nonza', onNonza);
  entity.on('disconnect', onDisconnect);
  return {
    next() {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      if (failure) return Promise.reject(failure);
      return new Promise<Element>((resolve, reject) => {
        const timer = setTimeout(() => fail(new XmppError('timeout', 'the server did not answer during authentication')), timeoutMs);
        waiting = {
          resolve: (e) => (clearTimeout(timer), resolve(e)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        };
      });
    },
    close() {
      entity.off('nonza', onNonza);
      entity.off('disconnect', onDisconnect);
    },
  };
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (el: Element): string => Buffer.from(el.getText().trim(), 'base64').toString('utf8');

function saslFailure(el: Element): XmppError {
  const condition = el.getChildElements().find((c) => c.name !== 'text')?.name ?? 'not-authorized';
  const serverText = el.getChildText('text') ?? undefined;
  const denied = ['not-authorized', 'account-disabled', 'credentials-expired', 'invalid-authzid'].includes(condition);
  return denied
    ? new XmppError('auth-failed', 'the server rejected the user name or password', { condition, serverText })
    : new XmppError('protocol', `authentication failed (${condition})`, { condition, serverText });
}

export function chooseMechanism(offered: readonly string[], secure: boolean): string | undefined {
  return MECHANISM_PREFERENCE.find((m) => offered.includes(m) && (m !== 'PLAIN' || secure));
}

export function sasl(
  streamFeatures: StreamFeatures,
  credentials: () => Credentials,
  timeoutMs: number,
  onMechanism: (mechanism: string) => void = () => {},
): void {
  streamFeatures.use('mechanisms', NS_SASL, async ({ entity }, _next, feature) => {
    const offered = feature.getChildren('mechanism', NS_SASL).map((m) => m.getText().trim());
    const mechanism = chooseMechanism(offered, entity.isSecure());
    if (!mechanism) throw new XmppError('protocol', `no acceptable SASL mechanism (offered: ${offered.join(', ') || 'none'})`);
    onMechanism(mechanism);
    const { username, password } = credentials();
    const receiver = saslReceiver(entity, timeoutMs);
    try {
      if (mechanism === 'PLAIN') {
        await entity.send(xml('auth', { xmlns: NS_SASL, mechanism }, b64(`\0${saslPrep(username)}\0${saslPrep(password)}`)));
      } else {
        const scram = createScramClient(mechanism, username, password);
        await entity.send(xml('auth', { xmlns: NS_SASL, mechanism }, b64(scram.clientFirst)));
        const first = await receiver.next();
        if (first.name === 'failure') throw saslFailure(first);
        if (first.name !== 'challenge') throw new XmppError('protocol', `unexpected <${first.name}> in SCRAM`);
        await entity.send(xml('response', { xmlns: NS_SASL }, b64(await scram.respond(unb64(first)))));
        let last = await receiver.next();
        if (last.name === 'challenge') {
          // Some servers send server-final as a challenge and expect an empty response (RFC 6120 §6.4.6).
          scram.verify(unb64(last));
          await entity.send(xml('response', { xmlns: NS_SASL }));
          last = await receiver.next();
          if (last.name === 'failure') throw saslFailure(last);
          if (last.name !== 'success') throw new XmppError('protocol', `unexpected <${last.name}> in SCRAM`);
        } else if (last.name === 'success') {
          scram.verify(unb64(last));
        } else if (last.name === 'failure') {
          throw saslFailure(last);
        } else {
          throw new XmppError('protocol', `unexpected <${last.name}> in SCRAM`);
        }
      }
      if (mechanism === 'PLAIN') {
        const answer = await receiver.next();
        if (answer.name === 'failure') throw saslFailure(answer);
        if (answer.name !== 'success') throw new XmppError('protocol', `unexpected <${answer.name}> after PLAIN`);
      }
    } finally {
      receiver.close();
    }
    await entity.restart();
  });
}
