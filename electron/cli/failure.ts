/**
 * Every error of every layer becomes one line on stderr and a non-zero exit code. The
 * texts are ours, written for a person, and never hold a passphrase, password or key.
 */
import { isMessagingError } from '../engine/messaging/index.js';
import { isStoreError } from '../engine/store/index.js';
import { isXmppError } from '../engine/xmpp/errors.js';
import { UsageError, USAGE } from './args.js';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the CLI itself detects (missing environment variable, no store). */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof UsageError) return { message: `${error.message}\n${USAGE}`, exitCode: EXIT_USAGE };
  if (error instanceof CliError) return { message: error.message, exitCode: EXIT_FAILURE };
  if (isStoreError(error)) {
    switch (error.code) {
      case 'wrong-passphrase':
        return { message: 'wrong passphrase: PARLEY_PASSPHRASE does not unlock this store', exitCode: EXIT_FAILURE };
      case 'store-locked':
        return { message: 'the store is locked by another process (is a listen still running?)', exitCode: EXIT_FAILURE };
      case 'not-found':
        return { message: 'no store in the --data folder: run login first', exitCode: EXIT_FAILURE };
      default:
        return { message: `store error (${error.code}): ${error.message}`, exitCode: EXIT_FAILURE };
    }
  }
  if (isXmppError(error)) {
    switch (error.code) {
      case 'auth-failed':
        return { message: 'wrong password: the server rejected the login', exitCode: EXIT_FAILURE };
      case 'unreachable':
        return { message: 'server unreachable: check --server and --port', exitCode: EXIT_FAILURE };
      case 'certificate-rejected':
        return { message: 'certificate rejected: the server certificate did not verify (pass its CA with --ca)', exitCode: EXIT_FAILURE };
      case 'insecure':
        return { message: 'the server offers no TLS (only a loopback server may be used without, with --allow-plaintext-loopback)', exitCode: EXIT_FAILURE };
      case 'timeout':
        return { message: 'the server did not answer in time', exitCode: EXIT_FAILURE };
      default:
        return { message: `XMPP error (${error.code}${error.condition ? `: ${error.condition}` : ''})`, exitCode: EXIT_FAILURE };
    }
  }
  if (isMessagingError(error)) return { message: `${error.code}: ${error.message}`, exitCode: EXIT_FAILURE };
  return { message: 'internal error (set PARLEY_DEBUG=1 for details)', exitCode: EXIT_FAILURE };
}
