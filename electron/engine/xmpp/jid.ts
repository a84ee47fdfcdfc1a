/**
 * Minimal JID handling (RFC 7622 shape only: local@domain/resource). Comparison lowercases
 * local part and domain; full PRECIS preparation is left to the server.
 */
import { XmppError } from './errors.js';

export interface Jid {
  readonly local: string;
  readonly domain: string;
  readonly resource: string;
}

export function parseJid(jid: string): Jid {
  const slash = jid.indexOf('/');
  const bare = slash === -1 ? jid : jid.slice(0, slash);
  const resource = slash === -1 ? '' : jid.slice(slash + 1);
  const at = bare.lastIndexOf('@');
  const local = at === -1 ? '' : bare.slice(0, at);
  const domain = at === -1 ? bare : bare.slice(at + 1);
  if (!domain || (at !== -1 && !local) || (slash !== -1 && !resource) || jid.length > 3071) {
    throw new XmppError('malformed', 'not a valid JID');
  }
  return { local: local.toLowerCase(), domain: domain.toLowerCase(), resource };
}

/** `local@domain` (or `domain`) in lower case. */
export function bareJid(jid: string): string {
  const { local, domain } = parseJid(jid);
  return local ? `${local}@${domain}` : domain;
}

export const isBareJid = (jid: string): boolean => !jid.includes('/');

export function sameBareJid(a: string, b: string): boolean {
  try {
    return bareJid(a) === bareJid(b);
  } catch {
    return false;
  }
}
