import { ValidationError } from '../errors.js';

/**
 * An email as stored and looked up: trimmed, and refused (400) if it holds a
 * control character. PostgreSQL cannot store NUL in text at all, so without this
 * check such an email reached the database and failed there with a 500.
 */
export function parseEmail(input: string, field = 'body.email'): string {
  const email = input.trim();
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(email)) {
    throw new ValidationError({
      field,
      message: 'must not contain control characters (NUL, tabs, newlines)',
    });
  }
  return email;
}
