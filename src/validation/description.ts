import { ValidationError } from '../errors.js';
import { assertNoBidiControls } from './bidi-controls.js';

/** Longest free-text description, in characters (the database checks the same bound). */
export const DESCRIPTION_MAX = 500;

/**
 * A user-given free-text description: up to 500 characters (code points, as
 * PostgreSQL's char_length counts them), line breaks and tabs allowed, no other
 * control characters and no bidirectional formatting characters. PostgreSQL cannot
 * store NUL in text at all, so without this check a NUL would fail the write after
 * the router had already changed.
 */
export function parseDescription(value: string, field: string): string {
  if ([...value].length > DESCRIPTION_MAX) {
    throw new ValidationError({ field, message: `must be at most ${DESCRIPTION_MAX} characters` });
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(value)) {
    throw new ValidationError({
      field,
      message: 'must not contain control characters other than line breaks and tabs',
    });
  }
  assertNoBidiControls(value, field);
  return value;
}
