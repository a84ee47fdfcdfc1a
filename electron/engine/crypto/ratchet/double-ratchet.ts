/**
 * The Double Ratchet (Signal "The Double Ratchet Algorithm" §3.3–3.5) over plain-data state:
 * every function returns a new RatchetState and leaves its input untouched, so a message
 * that fails (bad MAC, malformed, replayed, too far ahead) changes nothing. Everything
 * protocol-specific (root KDF info, message AEAD and wire format, skip limits) comes in
 * through RatchetParams, so the same code serves OMEMO:2 and legacy OMEMO.
 *
 * Receiving follows python-doubleratchet (which python-omemo and twomemo build on), with
 * which OMEMO:2 sessions must interoperate:
 *  - a message may make us derive at most `maxSkip` keys on its own chain, otherwise
 *    CryptoError('too-many-skipped');
 *  - on a new peer ratchet key, the keys left on the old receiving chain (up to the header's
 *    `pn`) are kept only if there are at most `maxSkip` of them; a larger gap is not an
 *    error, it just forgoes those keys, so that a session recovers after heavy loss;
 *  - at most `maxSkippedTotal` skipped keys are kept, the oldest dropped first.
 */
import { assertLength, equalBytes, wipe } from '../bytes.js';
import { CryptoError } from '../errors.js';
import { nextReceivingKey, nextSendingKey, newSendingChain, type ReceivingChain } from './chain-key.js';
import { dhRatchetStep, rootStepWithDh, type DhRatchetStep } from './dh-ratchet.js';
import { ROOT_KEY_LENGTH } from './root-chain.js';
import { addSkipped, findSkipped, skipTo, wipeSkipped, withoutSkipped, type SkippedKey } from './skipped-keys.js';
import type { RatchetState } from './state.js';
import type { KeyPair, RatchetHeader, RatchetParams } from './types.js';

const RATCHET_PUBLIC_KEY_LENGTH = 32;

/** Alice (§3.3 RatchetInitAlice): `peerRatchetPublic` is Bob's signed pre-key (X25519). */
export function initActiveRatchet(
  params: RatchetParams,
  sharedSecret: Uint8Array,
  peerRatchetPublic: Uint8Array,
  associatedData: Uint8Array,
): RatchetState {
  assertLength(sharedSecret, ROOT_KEY_LENGTH, 'shared secret');
  assertLength(peerRatchetPublic, RATCHET_PUBLIC_KEY_LENGTH, 'peer ratchet public key');
  const ownRatchet = params.backend.x25519GenerateKeyPair();
  const step = rootStepWithDh(params, sharedSecret, ownRatchet.privateKey, peerRatchetPublic);
  return {
    rootKey: step.rootKey,
    ownRatchet,
    peerRatchetPublic: peerRatchetPublic.slice(),
    previousPeerRatchetPublic: null,
    sending: newSendingChain(step.chainKey),
    receiving: null,
    previousSendingLength: 0,
    skipped: [],
    associatedData: associatedData.slice(),
  };
}

/** Bob (§3.3 RatchetInitBob): `ownRatchetKeyPair` is his signed pre-key pair. He sends after his first receive. */
export function initPassiveRatchet(
  _params: RatchetParams,
  sharedSecret: Uint8Array,
  ownRatchetKeyPair: KeyPair,
  associatedData: Uint8Array,
): RatchetState {
  assertLength(sharedSecret, ROOT_KEY_LENGTH, 'shared secret');
  assertLength(ownRatchetKeyPair.privateKey, 32, 'own ratchet private key');
  assertLength(ownRatchetKeyPair.publicKey, RATCHET_PUBLIC_KEY_LENGTH, 'own ratchet public key');
  return {
    rootKey: sharedSecret.slice(),
    ownRatchet: { privateKey: ownRatchetKeyPair.privateKey.slice(), publicKey: ownRatchetKeyPair.publicKey.slice() },
    peerRatchetPublic: null,
    previousPeerRatchetPublic: null,
    sending: null,
    receiving: null,
    previousSendingLength: 0,
    skipped: [],
    associatedData: associatedData.slice(),
  };
}

/** §3.4 RatchetEncrypt. Throws CryptoError('no-session') on the passive side before its first receive. */
export function ratchetEncrypt(
  params: RatchetParams,
  state: RatchetState,
  plaintext: Uint8Array,
): { state: RatchetState; message: Uint8Array } {
  if (state.sending === null) {
    throw new CryptoError('no-session', 'no sending chain before the first message from the peer');
  }
  const header: RatchetHeader = {
    dhPub: state.ownRatchet.publicKey,
    n: state.sending.length,
    pn: state.previousSendingLength,
  };
  const { chain, messageKey } = nextSendingKey(state.sending);
  try {
    const message = params.aead.seal(messageKey, state.associatedData, header, plaintext);
    return { state: { ...state, sending: chain }, message };
  } finally {
    wipe(messageKey);
  }
}

/**
 * §3.5 RatchetDecrypt. Throws CryptoError 'malformed', 'bad-mac', 'replay', 'too-many-skipped'
 * or 'weak-key'; the new state (chains, skipped keys) exists only once the MAC verified.
 */
export function ratchetDecrypt(
  params: RatchetParams,
  state: RatchetState,
  message: Uint8Array,
): { state: RatchetState; plaintext: Uint8Array } {
  const header = params.aead.parseHeader(message);
  checkHeader(header);

  const skippedIndex = state.skipped.length === 0 ? -1 : findSkipped(state.skipped, header.dhPub, header.n);
  if (skippedIndex >= 0) {
    const plaintext = params.aead.open(state.skipped[skippedIndex]!.messageKey, state.associatedData, message);
    return { state: { ...state, skipped: withoutSkipped(state.skipped, skippedIndex) }, plaintext };
  }
  if (state.peerRatchetPublic !== null && equalBytes(header.dhPub, state.peerRatchetPublic)) {
    return decryptOnCurrentChain(params, state, state.peerRatchetPublic, header, message);
  }
  if (state.previousPeerRatchetPublic !== null && equalBytes(header.dhPub, state.previousPeerRatchetPublic)) {
    // Every key of that chain up to its announced end was derived: used, stored (and then
    // not found above) or forgone.
    throw new CryptoError('replay', 'message key already used or discarded');
  }
  return decryptWithNewRatchetKey(params, state, header, message);
}

function checkHeader(header: RatchetHeader): void {
  if (
    header.dhPub.length !== RATCHET_PUBLIC_KEY_LENGTH ||
    !Number.isSafeInteger(header.n) ||
    header.n < 0 ||
    !Number.isSafeInteger(header.pn) ||
    header.pn < 0
  ) {
    throw new CryptoError('malformed', 'invalid ratchet header');
  }
}

function checkGap(params: RatchetParams, gap: number): void {
  if (gap > params.maxSkip) {
    throw new CryptoError('too-many-skipped', `message would skip more than ${params.maxSkip} keys`);
  }
}

function decryptOnCurrentChain(
  params: RatchetParams,
  state: RatchetState,
  peerRatchetPublic: Uint8Array,
  header: RatchetHeader,
  message: Uint8Array,
): { state: RatchetState; plaintext: Uint8Array } {
  if (state.receiving === null) {
    // Only Alice before her first receive: Bob never sends under his signed pre-key.
    throw new CryptoError('malformed', 'message under the peer ratchet key we started from');
  }
  if (header.n < state.receiving.length) {
    throw new CryptoError('replay', 'message key already used or discarded');
  }
  checkGap(params, header.n - state.receiving.length);
  const received = receiveOnChain(params, state.receiving, peerRatchetPublic, header.n, state.associatedData, message);
  return {
    state: {
      ...state,
      receiving: received.chain,
      skipped: addSkipped(state.skipped, received.skipped, params.maxSkippedTotal),
    },
    plaintext: received.plaintext,
  };
}

function decryptWithNewRatchetKey(
  params: RatchetParams,
  state: RatchetState,
  header: RatchetHeader,
  message: Uint8Array,
): { state: RatchetState; plaintext: Uint8Array } {
  // A new chain starts at 0; refuse before spending two DH operations on it.
  checkGap(params, header.n);
  const leftOnOldChain = keysLeftOnOldChain(params, state, header.pn);
  const peerRatchetPublic = header.dhPub.slice();
  let step: DhRatchetStep;
  try {
    step = dhRatchetStep(params, state.rootKey, state.ownRatchet, peerRatchetPublic);
  } catch (error) {
    wipeSkipped(leftOnOldChain);
    throw error;
  }
  let received: Received;
  try {
    received = receiveOnChain(params, step.receiving, peerRatchetPublic, header.n, state.associatedData, message);
  } catch (error) {
    wipeSkipped(leftOnOldChain);
    wipe(step.rootKey, step.sending.chainKey, step.ownRatchet.privateKey);
    throw error;
  } finally {
    wipe(step.receiving.chainKey); // superseded by the chain advanced past message n
  }
  return {
    state: {
      rootKey: step.rootKey,
      ownRatchet: step.ownRatchet,
      peerRatchetPublic,
      previousPeerRatchetPublic: state.peerRatchetPublic,
      sending: step.sending,
      receiving: received.chain,
      previousSendingLength: state.sending?.length ?? 0,
      skipped: addSkipped(
        state.skipped,
        leftOnOldChain.length === 0 ? received.skipped : [...leftOnOldChain, ...received.skipped],
        params.maxSkippedTotal,
      ),
      associatedData: state.associatedData,
    },
    plaintext: received.plaintext,
  };
}

/** Keys of the old receiving chain up to `pn`, or none if that would exceed maxSkip (see file comment). */
function keysLeftOnOldChain(params: RatchetParams, state: RatchetState, pn: number): SkippedKey[] {
  if (state.receiving === null || state.peerRatchetPublic === null) return [];
  const gap = pn - state.receiving.length;
  if (gap <= 0 || gap > params.maxSkip) return [];
  const advance = skipTo(state.receiving, state.peerRatchetPublic, pn);
  wipe(advance.chain.chainKey); // the old chain ends here
  return advance.skipped;
}

interface Received {
  readonly chain: ReceivingChain;
  readonly skipped: SkippedKey[];
  readonly plaintext: Uint8Array;
}

/** Derives the key of message `n` on `chain` (keeping the ones passed over) and opens the message. */
function receiveOnChain(
  params: RatchetParams,
  chain: ReceivingChain,
  dhPub: Uint8Array,
  n: number,
  associatedData: Uint8Array,
  message: Uint8Array,
): Received {
  const advance = skipTo(chain, dhPub, n);
  const { chain: next, messageKey } = nextReceivingKey(advance.chain);
  if (advance.chain !== chain) wipe(advance.chain.chainKey);
  try {
    const plaintext = params.aead.open(messageKey, associatedData, message);
    return { chain: next, skipped: advance.skipped, plaintext };
  } catch (error) {
    wipeSkipped(advance.skipped);
    wipe(next.chainKey);
    throw error;
  } finally {
    wipe(messageKey);
  }
}
