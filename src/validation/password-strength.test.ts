import { describe, expect, it } from 'vitest';
import {
  estimatePasswordStrength,
  MIN_PASSWORD_SCORE,
  personalWords,
  SCORED_PREFIX_LENGTH,
} from './password-strength.js';

describe('password strength', () => {
  it('scores the passwords the hardening issue found accepted below the minimum', () => {
    for (const password of [
      'password123',
      'p@ssw0rd',
      'admin123',
      '00000000',
      'qwerty1234',
      'aa123456',
      'iloveyou',
      'Qwertyuiop',
    ]) {
      const strength = estimatePasswordStrength(password, 'someone@example.com');
      expect(strength.score, password).toBeLessThan(MIN_PASSWORD_SCORE);
      expect(strength.warning ?? strength.suggestions[0], password).toBeTruthy();
    }
  });

  it('scores passphrases of unrelated words at or above the minimum', () => {
    for (const password of [
      'correct horse battery staple',
      'violet tractor ponders quietly',
      'a long household passphrase',
    ]) {
      expect(estimatePasswordStrength(password, 'someone@example.com').score, password).toBe(4);
    }
  });

  it("counts the email, its local part, the part's pieces and the product name", () => {
    expect(personalWords('ada.lovelace+np@example.com')).toEqual([
      'netpilot',
      'NetPilot',
      'ada.lovelace+np@example.com',
      'ada.lovelace+np',
      'ada',
      'lovelace',
    ]);
    expect(personalWords(undefined)).toEqual(['netpilot', 'NetPilot']);
    const password = 'Lovelace1815!';
    const mine = estimatePasswordStrength(password, 'ada.lovelace@example.com');
    expect(mine.score).toBeLessThan(MIN_PASSWORD_SCORE);
    expect(mine.usesPersonalData).toBe(true);
    const theirs = estimatePasswordStrength(password, 'someone@example.com');
    expect(theirs.usesPersonalData).toBe(false);
    expect(estimatePasswordStrength('NetPilot2024', 'someone@example.com')).toMatchObject({
      usesPersonalData: true,
    });
  });

  it(`scores only the first ${SCORED_PREFIX_LENGTH} characters`, () => {
    const weakStart = 'a'.repeat(SCORED_PREFIX_LENGTH);
    expect(estimatePasswordStrength(`${weakStart}violet tractor ponders`).score).toBe(0);
    const strongStart = 'violet tractor ponders quietly';
    expect(estimatePasswordStrength(`${strongStart}${'a'.repeat(98)}`).score).toBe(4);
  });
});
