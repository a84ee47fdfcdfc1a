import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../crypto/backend/index.js';
import { validateBundle } from '../crypto/bundle.js';
import { SIGNED_PRE_KEY_GRACE_PERIOD_MS } from '../crypto/limits.js';
import { omemo2Wire } from '../crypto/wire/omemo2/index.js';
import { createDevice, deleteUsedPreKeys, getOwnBundle, replenishPreKeys, rotateSignedPreKey } from './device.js';
import { MemoryProtocolStore } from './memory-store.js';
import { buildSession } from './session-builder.js';
import { newDevice, receive, send, text } from './test-support.js';

const DAY = 24 * 60 * 60 * 1000;

describe('own device', () => {
  it('is created with an identity, a signed pre-key and 100 one-time pre-keys, and publishes a valid bundle', () => {
    const ctx = { store: new MemoryProtocolStore(), wire: omemo2Wire, backend: nodeBackend, now: () => 5 };
    const own = createDevice(ctx, { jid: 'juliet@capulet.lit', deviceId: 31415 });
    expect(own).toMatchObject({ jid: 'juliet@capulet.lit', deviceId: 31415 });
    expect(ctx.store.getOwnIdentity()).toEqual(own);
    const bundle = getOwnBundle(ctx);
    expect(bundle).toMatchObject({ deviceId: 31415, signedPreKey: { id: 1 } });
    expect(bundle.identityKey).toEqual(own.identityPublic);
    expect(bundle.preKeys).toHaveLength(100);
    expect(() => validateBundle(bundle, nodeBackend)).not.toThrow();
  });

  it('refuses a device id outside 1..2^31-1 and reports a missing identity', () => {
    const ctx = { store: new MemoryProtocolStore(), wire: omemo2Wire, backend: nodeBackend, now: () => 0 };
    expect(() => createDevice(ctx, { jid: 'a@b', deviceId: 2 ** 31 })).toThrow(RangeError);
    expect(() => getOwnBundle(ctx)).toThrowError(expect.objectContaining({ code: 'no-identity' }));
  });

  it('replenishes consumed pre-keys, and deletes the consumed ones after catch-up', () => {
    const romeo = newDevice('romeo@montague.lit');
    const juliet = newDevice('juliet@capulet.lit');
    buildSession(romeo.ctx, juliet.address, getOwnBundle(juliet.ctx));
    const first = send(romeo, 'hello', [juliet]);
    const { usedPreKeyId } = receive(juliet, first);

    expect(getOwnBundle(juliet.ctx).preKeys.map((k) => k.id)).not.toContain(usedPreKeyId);
    expect(getOwnBundle(juliet.ctx).preKeys).toHaveLength(99);
    expect(replenishPreKeys(juliet.ctx)).toBe(true);
    expect(getOwnBundle(juliet.ctx).preKeys).toHaveLength(100);
    expect(replenishPreKeys(juliet.ctx)).toBe(false);

    // The consumed private key is kept until catch-up is over (XEP-0384 §6)…
    expect(juliet.store.getPreKey(usedPreKeyId!)).toBeDefined();
    expect(deleteUsedPreKeys(juliet.ctx)).toBe(1);
    expect(juliet.store.getPreKey(usedPreKeyId!)).toBeUndefined();
    expect(deleteUsedPreKeys(juliet.ctx)).toBe(0);
    // …and the session it built does not need it any more.
    expect(text(receive(juliet, send(romeo, 'repeat after deletion', [juliet])).envelope)).toBe('repeat after deletion');
  });

  it('rotates its signed pre-key and still accepts key exchanges on the old one during the grace period', () => {
    const juliet = newDevice('juliet@capulet.lit');
    const staleBundle = getOwnBundle(juliet.ctx);
    juliet.clock.now += 7 * DAY;
    rotateSignedPreKey(juliet.ctx);
    const fresh = getOwnBundle(juliet.ctx);
    expect(fresh.signedPreKey.id).toBe(staleBundle.signedPreKey.id + 1);
    expect(() => validateBundle(fresh, nodeBackend)).not.toThrow();

    const early = newDevice('romeo@montague.lit');
    buildSession(early.ctx, juliet.address, staleBundle);
    expect(text(receive(juliet, send(early, 'old spk, in time', [juliet])).envelope)).toBe('old spk, in time');

    // The next rotation, a grace period later, deletes the old key.
    const late = newDevice('mercutio@verona.lit');
    buildSession(late.ctx, juliet.address, { ...staleBundle, preKeys: fresh.preKeys });
    juliet.clock.now += SIGNED_PRE_KEY_GRACE_PERIOD_MS;
    rotateSignedPreKey(juliet.ctx);
    expect(juliet.store.getSignedPreKey(staleBundle.signedPreKey.id)).toBeUndefined();
    expect(() => receive(juliet, send(late, 'old spk, too late', [juliet]))).toThrowError(
      expect.objectContaining({ code: 'unknown-signed-pre-key' }),
    );
  });

  it('honours a custom grace period', () => {
    const juliet = newDevice('juliet@capulet.lit');
    rotateSignedPreKey(juliet.ctx, { gracePeriodMs: 0 });
    expect(juliet.store.listSignedPreKeys()).toHaveLength(1);
  });
});
