import { ValidationError } from '../errors.js';

/**
 * The one form of an email this server stores, looks up, compares and keys
 * throttle counters by: trimmed, Unicode NFKC (full-width letters become ASCII,
 * ligatures split), then lower case by JavaScript's rules. PostgreSQL's
 * `lower()` depends on the database's locale (`İ` folds differently), so the
 * database only ever compares this form for equality.
 */
export function normalizeEmail(input: string): string {
  return input.trim().normalize('NFKC').toLowerCase();
}

/**
 * An email as stored and looked up ({@link normalizeEmail}), refused (400) if
 * it holds a control character. PostgreSQL cannot store NUL in text at all, so
 * without this check such an email reached the database and failed there with
 * a 500.
 */
export function parseEmail(input: string, field = 'body.email'): string {
  const email = normalizeEmail(input);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(email)) {
    throw new ValidationError({
      field,
      message: 'must not contain control characters (NUL, tabs, newlines)',
    });
  }
  // NFKC can lengthen a string (ligatures) or make a second "@" out of "＠":
  // the schema's checks are made again on the form that is stored.
  if ([...email].length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new ValidationError({
      field,
      message: 'must be one email address of at most 254 characters',
    });
  }
  return email;
}
