import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Secrets at rest (issue #14): AES-256-GCM for what must be read back (a TOTP
 * secret), a keyed HMAC for what only needs comparing (recovery codes). Both keys
 * are derived (HKDF-SHA256) from DATA_ENCRYPTION_KEY, so a database dump alone
 * neither reveals a TOTP secret nor lets anyone test recovery-code guesses offline.
 *
 * A sealed value is `v1.<iv>.<tag>.<ciphertext>` (base64url), bound to its
 * purpose (the associated data): a value sealed for one column cannot be
 * replayed into another.
 */
export class SecretBox {
  private readonly encryptionKey: Buffer;
  private readonly macKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) {
      throw new Error('the data encryption key must be 32 bytes');
    }
    this.encryptionKey = derive(masterKey, 'netpilot aes-256-gcm');
    this.macKey = derive(masterKey, 'netpilot hmac-sha256');
  }

  seal(plaintext: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(purpose, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return [VERSION, ...parts].join('.');
  }

  /** Throws when the value was not sealed with this key for this purpose, or was altered. */
  open(sealed: string, purpose: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('not a sealed value');
    }
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.encryptionKey,
      Buffer.from(iv, 'base64url'),
      { authTagLength: TAG_BYTES },
    );
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return text.toString('utf8');
  }

  /** Hex HMAC-SHA256 of `value` for `purpose`: equal inputs give equal outputs, nothing else leaks. */
  mac(value: string, purpose: string): string {
    return createHmac('sha256', this.macKey).update(`${purpose}\0${value}`).digest('hex');
  }
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
}
