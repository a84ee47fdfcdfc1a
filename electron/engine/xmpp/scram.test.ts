import { describe, expect, it } from 'vitest';
import { isXmppError } from './errors.js';
import { createScramClient, saslPrep } from './scram.js';

// Test vectors: RFC 5802 §5 (SCRAM-SHA-1) and RFC 7677 §3 (SCRAM-SHA-256), user 'user', password 'pencil'.
const SHA1 = {
  nonce: 'fyko+d2lbbFgONRv9qkxdawL',
  serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
  clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
  serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
};
const SHA256 = {
  nonce: 'rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

describe('SCRAM client', () => {
  it('reproduces the RFC 5802 SCRAM-SHA-1 exchange and accepts the server signature', async () => {
    const scram = createScramClient('SCRAM-SHA-1', 'user', 'pencil', SHA1.nonce);
    expect(scram.clientFirst).toBe(`n,,n=user,r=${SHA1.nonce}`);
    expect(await scram.respond(SHA1.serverFirst)).toBe(SHA1.clientFinal);
    expect(() => scram.verify(SHA1.serverFinal)).not.toThrow();
  });

  it('reproduces the RFC 7677 SCRAM-SHA-256 exchange and accepts the server signature', async () => {
    const scram = createScramClient('SCRAM-SHA-256', 'user', 'pencil', SHA256.nonce);
    expect(await scram.respond(SHA256.serverFirst)).toBe(SHA256.clientFinal);
    expect(() => scram.verify(SHA256.serverFinal)).not.toThrow();
  });

  it('rejects a server signature computed without the password', async () => {
    const scram = createScramClient('SCRAM-SHA-256', 'user', 'pencil', SHA256.nonce);
    await scram.respond(SHA256.serverFirst);
    expect(() => scram.verify('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toThrow(/server signature/);
  });

  it('rejects a server nonce that does not extend the client nonce', async () => {
    const scram = createScramClient('SCRAM-SHA-256', 'user', 'pencil', 'abc');
    await expect(scram.respond('r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).rejects.toSatisfy((e) => isXmppError(e, 'protocol'));
  });

  it('rejects iteration counts that are too low or absurdly high', async () => {
    for (const i of ['1', '4095', '100000000']) {
      const scram = createScramClient('SCRAM-SHA-1', 'user', 'pencil', 'n');
      await expect(scram.respond(`r=n1,s=QSXCR+Q6sek8bf92,i=${i}`)).rejects.toThrow(/iteration/);
    }
  });

  it('maps an e= server-final to auth-failed and never puts the password in a message', async () => {
    const scram = createScramClient('SCRAM-SHA-1', 'user', 'hunter2-secret', SHA1.nonce);
    await scram.respond(SHA1.serverFirst);
    try {
      scram.verify('e=invalid-proof');
      expect.unreachable();
    } catch (e) {
      expect(isXmppError(e, 'auth-failed')).toBe(true);
      expect(String((e as Error).message)).not.toContain('hunter2');
    }
  });

  it('escapes , and = in the user name', () => {
    expect(createScramClient('SCRAM-SHA-1', 'a,b=c', 'x', 'n').clientFirst).toBe('n,,n=a=2Cb=3Dc,r=n');
  });

  it('SASLprep maps non-ASCII spaces and drops zero-width characters', () => {
    expect(saslPrep('a\u00A0b\u200Dc')).toBe('a bc');
    expect(() => saslPrep('a\u0007')).toThrow();
  });
});
