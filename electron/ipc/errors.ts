/**
 * One place that turns the engine's typed errors into contract codes. Only messages written
 * for users cross (StoreError, XmppError and ServiceError promise theirs hold no secrets);
 * anything unexpected becomes 'internal' with a fixed text, and its detail stays in the log.
 */
import { StoreError, type StoreErrorCode } from '../engine/store/errors.js';
import { XmppError, type XmppErrorCode } from '../engine/xmpp/errors.js';
import type { BridgeError, ErrorCode } from '../../shared/result.js';
import { ServiceError } from './engine-api.js';

const STORE_CODES: Record<StoreErrorCode, ErrorCode> = {
  'wrong-passphrase': 'wrong-passphrase',
  corrupt: 'store-damaged',
  'store-locked': 'store-busy',
  'newer-version': 'store-damaged',
  'migration-failed': 'store-damaged',
  'not-found': 'needs-setup',
  'already-exists': 'already-set-up',
  'protector-mismatch': 'wrong-passphrase',
  'keystore-unavailable': 'keystore-unavailable',
  'keystore-insecure': 'keystore-unavailable',
  'keystore-backend-changed': 'keystore-unavailable',
  'keystore-failed': 'keystore-unavailable',
  closed: 'locked',
};

const XMPP_CODES: Partial<Record<XmppErrorCode, ErrorCode>> = {
  'auth-failed': 'auth-failed',
  unreachable: 'unreachable',
  'certificate-rejected': 'unreachable',
  insecure: 'unreachable',
  timeout: 'unreachable',
  'not-connected': 'unreachable',
};

export const INTERNAL_MESSAGE = 'Something went wrong inside Parley. The details are in the log.';

export function toBridgeError(error: unknown): BridgeError {
  if (error instanceof ServiceError) return { code: error.code, message: error.message };
  if (error instanceof StoreError) return { code: STORE_CODES[error.code], message: error.message };
  if (error instanceof XmppError) {
    const code = XMPP_CODES[error.code];
    if (code !== undefined) return { code, message: error.message };
  }
  return { code: 'internal', message: INTERNAL_MESSAGE };
}
