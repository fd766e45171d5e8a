import { ValidationError } from '../errors.js';
import { parseDisplayName } from './display-name.js';

const PICTURE_URL_MAX = 2048;

/**
 * A user's display name as stored (the rules of router and device names:
 * trimmed, 1–100 characters, no control or bidi characters); null clears it.
 */
export function parseUserDisplayName(input: string | null, field: string): string | null {
  return input === null ? null : parseDisplayName(input, field);
}

/** A picture URL as stored: an absolute https URL of at most 2048 characters, no credentials; null clears it. */
export function parsePictureUrl(input: string | null, field: string): string | null {
  if (input === null) {
    return null;
  }
  let url: URL | null = null;
  try {
    url = new URL(input.trim());
  } catch {
    // answered below
  }
  if (
    !url ||
    url.protocol !== 'https:' ||
    url.username !== '' ||
    url.password !== '' ||
    url.href.length > PICTURE_URL_MAX
  ) {
    throw new ValidationError({
      field,
      message: `must be an https:// URL of at most ${PICTURE_URL_MAX} characters, without credentials`,
    });
  }
  return url.href;
}

/** A value from a provider's claims as `parse` keeps it, or null when it is not acceptable (ignored). */
export function claimOrNull(
  value: unknown,
  parse: (input: string, field: string) => string | null,
): string | null {
  if (typeof value !== 'string') {
    return null;
  }
  try {
    return parse(value, 'claim');
  } catch (err) {
    if (err instanceof ValidationError) {
      return null;
    }
    throw err;
  }
}
