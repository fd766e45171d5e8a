import { ValidationError } from '../errors.js';
import { assertNoBidiControls } from './bidi-controls.js';

/** Longest router or device name, in characters (the database checks the same bound). */
export const DISPLAY_NAME_MAX = 100;

/**
 * A user-given name of a router or device: trimmed, 1 to 100 characters (code
 * points, as PostgreSQL's char_length counts them), no control characters (they
 * would break one-line displays and logs) and no bidirectional formatting
 * characters (they would make it display as another name).
 */
export function parseDisplayName(value: string, field: string): string {
  const name = value.trim();
  const length = [...name].length;
  if (length < 1 || length > DISPLAY_NAME_MAX) {
    throw new ValidationError({
      field,
      message: `must be 1 to ${DISPLAY_NAME_MAX} characters after trimming spaces`,
    });
  }
  if (/\p{Cc}/u.test(name)) {
    throw new ValidationError({ field, message: 'must not contain control characters' });
  }
  assertNoBidiControls(name, field);
  return name;
}
