/**
 * The one error family of the XMPP layer. Codes are stable (the IPC layer maps them to
 * messages the UI shows); texts never contain passwords, keys or message content.
 */
export type XmppErrorCode =
  | 'auth-failed' // SASL failure: wrong user or password (or account disabled)
  | 'unreachable' // TCP connect failed or the connection dropped during login
  | 'certificate-rejected' // the server's certificate did not verify for the domain
  | 'insecure' // the server offers no TLS and plaintext is not allowed here
  | 'protocol' // the server broke the protocol (unexpected element, bad SCRAM proof, …)
  | 'stream-error' // the server ended the stream (condition says why, e.g. 'conflict')
  | 'stanza-error' // an IQ was answered with type='error' (condition says why)
  | 'timeout'
  | 'not-connected' // sent while offline, or the session ended before the answer came
  | 'malformed' // XML we received (or were asked to build) does not fit the format
  | 'affix-mismatch'; // SCE affix elements contradict the stanza (XEP-0420 §4)

export interface XmppErrorDetails {
  /** RFC 6120 stanza/stream error condition or SASL failure condition, when there is one. */
  readonly condition?: string;
  /** Application-specific condition (e.g. XEP-0060 'precondition-not-met'). */
  readonly appCondition?: string;
  /** The server's human-readable text, if it sent one. */
  readonly serverText?: string;
  readonly cause?: unknown;
}

export class XmppError extends Error {
  override readonly name = 'XmppError';
  readonly condition: string | undefined;
  readonly appCondition: string | undefined;
  readonly serverText: string | undefined;

  constructor(
    readonly code: XmppErrorCode,
    message: string,
    details: XmppErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.condition = details.condition;
    this.appCondition = details.appCondition;
    this.serverText = details.serverText;
  }
}

export const isXmppError = (e: unknown, code?: XmppErrorCode): e is XmppError =>
  e instanceof XmppError && (code === undefined || e.code === code);

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT',
]);

/** Maps whatever xmpp.js or Node threw into the family, keeping the original as `cause`. */
export function toXmppError(error: unknown): XmppError {
  if (error instanceof XmppError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; name?: unknown; condition?: unknown; text?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_ERROR_CODES.has(code)) return new XmppError('unreachable', `the server cannot be reached (${code})`, { cause: error });
  if (e.name === 'TimeoutError') return new XmppError('timeout', 'the server did not answer in time', { cause: error });
  if (e.name === 'StreamError' && typeof e.condition === 'string') {
    return new XmppError('stream-error', `the server closed the stream (${e.condition})`, {
      condition: e.condition,
      serverText: typeof e.text === 'string' && e.text ? e.text : undefined,
      cause: error,
    });
  }
  return new XmppError('protocol', 'unexpected failure in the XMPP connection', { cause: error });
}

/** Stream conditions after which reconnecting would only repeat the failure (RFC 6120 §4.9.3). */
const FINAL_STREAM_CONDITIONS = new Set(['conflict', 'not-authorized', 'policy-violation', 'host-unknown', 'improper-addressing']);

/** Whether a reconnect loop should keep trying after this failure (the user must act otherwise). */
export function isRetryable(error: XmppError): boolean {
  switch (error.code) {
    case 'auth-failed':
    case 'certificate-rejected':
    case 'insecure':
      return false;
    case 'stream-error':
      return !FINAL_STREAM_CONDITIONS.has(error.condition ?? '');
    default:
      return true;
  }
}
