import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Tokens of other accounts kept in one browser's cookie (a household shares a browser). */
const MAX_TOKENS = 5;
const TOKEN = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;

/**
 * Device cookies (OWASP, "Slow down online guessing attacks with device
 * cookies"): a successful login gives the browser a token signed for that
 * account. A later login for the same account that presents it is judged by
 * that device's own counter, so an attacker guessing from elsewhere cannot lock
 * the real user out of their own browser. The token is `nonce.signature`, the
 * signature an HMAC-SHA256 of the normalised email and the nonce; the cookie
 * holds up to five of them, one per account used in that browser. Nothing is
 * stored on the server: the nonce names the device's throttle counter.
 */
export class DeviceCookies {
  constructor(private readonly secret: Buffer) {}

  /** The nonce of the first token in `cookie` signed for `email`, or null. */
  trustedNonce(email: string, cookie: string | undefined): string | null {
    for (const token of tokens(cookie)) {
      const [nonce, signature] = token.split('.') as [string, string];
      // Compared as text: decoding would accept other spellings of the last character.
      const expected = Buffer.from(this.sign(email, nonce).toString('base64url'));
      const given = Buffer.from(signature);
      if (given.length === expected.length && timingSafeEqual(given, expected)) {
        return nonce;
      }
    }
    return null;
  }

  /**
   * The cookie to set after `email` logged in: a fresh token for it first, then
   * the browser's tokens for other accounts (this account's old ones dropped).
   */
  issue(email: string, cookie: string | undefined): string {
    const nonce = randomBytes(16).toString('base64url');
    const mine = `${nonce}.${this.sign(email, nonce).toString('base64url')}`;
    const others = tokens(cookie).filter((t) => this.trustedNonce(email, t) === null);
    return [mine, ...others].slice(0, MAX_TOKENS).join('~');
  }

  private sign(email: string, nonce: string): Buffer {
    return createHmac('sha256', this.secret)
      .update(`netpilot-device-v1\n${email}\n${nonce}`)
      .digest();
  }
}

function tokens(cookie: string | undefined): string[] {
  if (!cookie || cookie.length > 1024) {
    return [];
  }
  return cookie
    .split('~')
    .filter((t) => TOKEN.test(t))
    .slice(0, MAX_TOKENS);
}
