import { describe, expect, it } from 'vitest';
import type { TrustState } from '../store/index.js';
import { isTrusted } from './trust.js';

const d = (trust: TrustState) => ({ trust });

describe('blind trust before verification', () => {
  it('trusts an undecided device while none of the contact is verified', () => {
    expect(isTrusted(d('undecided'), [d('undecided'), d('trusted')])).toBe(true);
  });

  it('stops trusting undecided devices once one device of the contact is verified', () => {
    expect(isTrusted(d('undecided'), [d('verified'), d('undecided')])).toBe(false);
    expect(isTrusted(d('trusted'), [d('verified'), d('trusted')])).toBe(true);
  });

  it('never trusts an untrusted device', () => {
    expect(isTrusted(d('untrusted'), [d('untrusted')])).toBe(false);
  });
});
