import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeviceCookies } from './device-cookie.js';

describe('DeviceCookies', () => {
  const cookies = new DeviceCookies(randomBytes(32));

  it('trusts a token only for the account and key it was signed with', () => {
    const cookie = cookies.issue('ada@example.com', undefined);
    expect(cookies.trustedNonce('ada@example.com', cookie)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(cookies.trustedNonce('bob@example.com', cookie)).toBeNull();
    expect(new DeviceCookies(randomBytes(32)).trustedNonce('ada@example.com', cookie)).toBeNull();
  });

  it('refuses tampered, malformed and oversized cookies', () => {
    const cookie = cookies.issue('ada@example.com', undefined);
    const flipped = cookie.slice(0, -1) + (cookie.endsWith('A') ? 'B' : 'A');
    for (const bad of [flipped, '', 'x', `${cookie}.extra`, 'a'.repeat(2000), undefined]) {
      expect(cookies.trustedNonce('ada@example.com', bad)).toBeNull();
    }
  });

  it('keeps one token per account, newest first, at most five', () => {
    let cookie: string | undefined;
    for (let i = 0; i < 7; i += 1) {
      cookie = cookies.issue(`user${i}@example.com`, cookie);
    }
    cookie = cookies.issue('user6@example.com', cookie);
    const tokens = cookie.split('~');
    expect(tokens).toHaveLength(5);
    expect(cookies.trustedNonce('user6@example.com', tokens[0])).not.toBeNull();
    expect(tokens.filter((t) => cookies.trustedNonce('user6@example.com', t))).toHaveLength(1);
    expect(cookies.trustedNonce('user0@example.com', cookie)).toBeNull();
    expect(cookies.trustedNonce('user2@example.com', cookie)).not.toBeNull();
  });
});
