/**
 * This device's own key material: creation, the published bundle, and its upkeep —
 * one-time pre-key replenishing and deletion, signed pre-key rotation (XEP-0384 §4.2, §6).
 */
import { bundleFromStore } from '../crypto/bundle.js';
import { generateDeviceId, generateIdentityKeyPair } from '../crypto/identity.js';
import { DEFAULT_PRE_KEY_COUNT, isValidKeyId } from '../crypto/limits.js';
import {
  deleteConsumedPreKeys,
  generatePreKeys,
  generateSignedPreKey,
  nextSignedPreKeyId,
  replenishPreKeyPool,
  rotateSignedPreKeyInStore,
} from '../crypto/prekeys.js';
import { requireOwnIdentity, type ProtocolContext } from './context.js';
import type { OwnIdentity } from './store.js';
import type { Bundle } from './types.js';

export interface CreateDeviceOptions {
  /** Bare JID of the account. */
  readonly jid: string;
  /** Defaults to a random id in 1..2^31-1; the caller checks the device list for collisions. */
  readonly deviceId?: number;
  /** One-time pre-keys to generate; default 100 (XEP-0384 §4.2). */
  readonly preKeyCount?: number;
}

/** Generates and saves an identity, a signed pre-key and the one-time pre-keys. */
export function createDevice(ctx: ProtocolContext, opts: CreateDeviceOptions): OwnIdentity {
  const deviceId = opts.deviceId ?? generateDeviceId();
  if (!isValidKeyId(deviceId)) throw new RangeError('device id must be in 1..2^31-1');
  const keyPair = generateIdentityKeyPair(ctx.backend);
  const identity: OwnIdentity = {
    jid: opts.jid,
    deviceId,
    identitySeed: keyPair.seed,
    identityPublic: keyPair.publicKey,
  };
  const { store } = ctx;
  store.saveOwnIdentity(identity);
  const spkId = nextSignedPreKeyId(store.listSignedPreKeys());
  store.saveSignedPreKey(generateSignedPreKey(ctx.backend, identity.identitySeed, spkId, ctx.now(), ctx.wire.identityKey));
  const taken = store.listPreKeys().map((k) => k.id);
  for (const key of generatePreKeys(ctx.backend, opts.preKeyCount ?? DEFAULT_PRE_KEY_COUNT, taken)) store.savePreKey(key);
  return identity;
}

/** The bundle to publish: identity key, current signed pre-key, unused one-time pre-keys. */
export function getOwnBundle(ctx: ProtocolContext): Bundle {
  const bundle = bundleFromStore(ctx.store);
  return { ...bundle, identityKey: ctx.wire.identityKey.fromEd25519(bundle.identityKey) };
}

/** Tops the unused one-time pre-keys up to `target`; true when the bundle changed (republish it). */
export function replenishPreKeys(ctx: ProtocolContext, target: number = DEFAULT_PRE_KEY_COUNT): boolean {
  requireOwnIdentity(ctx);
  return replenishPreKeyPool(ctx.store, ctx.backend, target) > 0;
}

/**
 * Deletes the private keys of consumed one-time pre-keys. Call after archive catch-up, not
 * at once: XEP-0384 §6 recommends keeping them until the catch-up is complete.
 */
export function deleteUsedPreKeys(ctx: ProtocolContext): number {
  return deleteConsumedPreKeys(ctx.store);
}

export interface RotateSignedPreKeyOptions {
  /** How long the previous signed pre-key still answers key exchanges; default one rotation period (7 days). */
  readonly gracePeriodMs?: number;
}

/** Replaces the signed pre-key, keeping the previous one for the grace period (XEP-0384 §4.2). */
export function rotateSignedPreKey(ctx: ProtocolContext, opts: RotateSignedPreKeyOptions = {}): void {
  const identity = requireOwnIdentity(ctx);
  if (opts.gracePeriodMs !== undefined && !(opts.gracePeriodMs >= 0)) {
    throw new RangeError('grace period must be a non-negative number of milliseconds');
  }
  rotateSignedPreKeyInStore(ctx.store, {
    backend: ctx.backend,
    identitySeed: identity.identitySeed,
    now: ctx.now(),
    keyFormat: ctx.wire.identityKey,
    ...(opts.gracePeriodMs !== undefined ? { gracePeriodMs: opts.gracePeriodMs } : {}),
  });
}
