/** Size limits of the bridge, in one place: payloads beyond them are refused as invalid. */
export const LIMITS = {
  /** XMPP JIDs: each part at most 1023 bytes (RFC 7622 §3); 3071 in all. */
  jid: 3071,
  host: 253,
  password: 1024,
  passphrase: 1024,
  /** A message body: generous for text, small enough to keep a stanza sane. */
  body: 64 * 1024,
  search: 256,
  messageId: 128,
  pageSize: 500,
  url: 2048,
  /** The disappearing-message timer: at most one year. */
  timerSeconds: 365 * 24 * 3600,
} as const;
