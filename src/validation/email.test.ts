import { describe, expect, it } from 'vitest';
import { normalizeEmail, parseEmail } from './email.js';

describe('normalizeEmail', () => {
  it.each([
    ['  Ada@Example.COM ', 'ada@example.com'],
    ['ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ', 'ada@example.com'],
    ['İnj@example.com', 'i\u0307nj@example.com'],
    ['STRAẞE@example.com', 'straße@example.com'],
    ['straße@example.com', 'straße@example.com'],
    ['ﬁle@example.com', 'file@example.com'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
    expect(normalizeEmail(expected)).toBe(expected);
  });

  it('refuses what normalisation turns into something else than one address', () => {
    expect(() => parseEmail('a＠b@example.com')).toThrow(/one email address/);
    expect(() => parseEmail(`${'ﬃ'.repeat(100)}@example.com`)).toThrow(/254/);
    expect(() => parseEmail('a\u0000b@example.com')).toThrow(/control characters/);
  });
});
