import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = box.seal('JBSWY3DPEHPK3PXP', 'totp-secret:u1');
    const b = box.seal('JBSWY3DPEHPK3PXP', 'totp-secret:u1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(a, 'totp-secret:u1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a value sealed for another purpose, with another key, or altered', () => {
    const sealed = box.seal('secret', 'totp-secret:u1');
    expect(() => box.open(sealed, 'totp-secret:u2')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'totp-secret:u1')).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => box.open(parts.join('.'), 'totp-secret:u1')).toThrow();
    expect(() => box.open('not sealed', 'totp-secret:u1')).toThrow();
  });

  it('keys its MACs: same input and purpose agree, anything else differs', () => {
    expect(box.mac('abcde23456', 'p')).toBe(box.mac('abcde23456', 'p'));
    expect(box.mac('abcde23456', 'p')).not.toBe(box.mac('abcde23456', 'q'));
    expect(new SecretBox(randomBytes(32)).mac('abcde23456', 'p')).not.toBe(
      box.mac('abcde23456', 'p'),
    );
  });

  it('takes only a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
