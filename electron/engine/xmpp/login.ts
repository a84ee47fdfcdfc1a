/**
 * One login attempt on an xmpp.js entity: TCP, STARTTLS, SASL, then either XEP-0198
 * resumption (→ true) or resource binding + enabling SM (→ false). Every failure becomes an
 * XmppError and the half-open transport is dropped.
 */
import type { Client } from '@xmpp/client-core';
import type { StreamManagement } from '@xmpp/stream-management';
import type { Element } from '@xmpp/xml';
import { toXmppError, XmppError } from './errors.js';

export const NS_SM = 'urn:xmpp:sm:3';

export interface LoginParams {
  readonly entity: Client;
  readonly sm: StreamManagement;
  /** `xmpp://host:port` */
  readonly service: string;
  readonly domain: string;
  readonly timeoutMs: number;
  /** Whether the post-authentication features offered SM (known once they arrived). */
  readonly smOffered: () => boolean;
  /** The stream error the server sent, if any (a better reason than "closed"). */
  readonly streamError: () => XmppError | undefined;
  readonly forceClose: () => void;
}

export function loginOnce(p: LoginParams): Promise<boolean> {
  const { entity, sm } = p;
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    let bound = false;
    const finish = (error: XmppError | undefined, resumed = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      entity.off('online', onOnline);
      entity.off('nonza', onNonza);
      entity.off('error', onError);
      entity.off('disconnect', onDisconnect);
      sm.off('resumed', onResumed);
      if (error) {
        p.forceClose();
        reject(error);
      } else resolve(resumed);
    };
    const onOnline = (): void => {
      bound = true;
      if (!p.smOffered()) finish(undefined);
    };
    // After binding, wait for SM's answer: stanzas sent before <enabled/> would be counted by the
    // server but not queued by xmpp.js, and its ack bookkeeping would then fail.
    const onNonza = (el: Element): void => {
      if (bound && (el.is('enabled', NS_SM) || el.is('failed', NS_SM))) setImmediate(() => finish(undefined));
    };
    const onResumed = (): void => finish(undefined, true);
    const onError = (error: unknown): void => finish(toXmppError(error));
    const onDisconnect = (): void =>
      finish(p.streamError() ?? new XmppError('unreachable', `the connection to ${p.service.replace('xmpp://', '')} closed during login`));
    const timer = setTimeout(() => finish(new XmppError('timeout', `login did not complete within ${p.timeoutMs} ms`)), p.timeoutMs);
    entity.on('online', onOnline);
    entity.on('nonza', onNonza);
    entity.on('error', onError);
    entity.on('disconnect', onDisconnect);
    sm.on('resumed', onResumed);
    entity
      .connect(p.service)
      .then(() => entity.open({ domain: p.domain, lang: 'en' }))
      .catch(onError);
  });
}
