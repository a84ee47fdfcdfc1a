/**
 * The one error family of the messaging layer. Codes are stable (the IPC layer and the CLI
 * map them); messages never hold message text, keys or passwords.
 */
export type MessagingErrorCode =
  | 'no-device' // this account has no OMEMO device in the store yet
  | 'no-trusted-devices' // the recipient has no device we may encrypt to
  | 'not-online' // the operation needs the connection
  | 'publish-failed' // the server refused our device list or bundle
  | 'device-id-taken' // another device of the account publishes under our (already used) device id
  | 'device-list-full' // our device list is full: adding us would push out another device of ours
  | 'not-allowed' // the operation does not apply to this device (e.g. removing itself from the account)
  | 'unknown-device' // the device is not in our account's device list
  | 'timeout' // the server did not confirm in time
  | 'malformed' // a stanza or element did not fit the format (dropped, never thrown to the UI)
  | 'stopped'; // the engine was stopped

export class MessagingError extends Error {
  override readonly name = 'MessagingError';
  constructor(
    readonly code: MessagingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isMessagingError = (e: unknown, code?: MessagingErrorCode): e is MessagingError =>
  e instanceof MessagingError && (code === undefined || e.code === code);

/** A short, secret-free reason code for a failure of any layer (stored with undecryptable messages, logged). */
export function reasonOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    return (error as { code: string }).code;
  }
  return 'internal-error';
}
