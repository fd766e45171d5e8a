/**
 * Parsers of raw environment values for src/config.ts. Each takes the raw text
 * and returns the typed value, or throws ParseProblem with a message that
 * completes "NAME …" and says what is expected.
 */

export type Parser<T> = (raw: string) => T;

export class ParseProblem extends Error {}

export const integer =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) {
      throw new ParseProblem(`must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    const n = Number(raw.trim());
    if (n < min || n > max) {
      throw new ParseProblem(`must be from ${min} to ${max}, got ${n}`);
    }
    return n;
  };

export const boolean: Parser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) {
    return true;
  }
  if (['0', 'false', 'no', 'off'].includes(v)) {
    return false;
  }
  throw new ParseProblem(`must be true or false, got "${raw}"`);
};

export const oneOf =
  <const T extends string>(...values: T[]): Parser<T> =>
  (raw) => {
    const v = raw.trim() as T;
    if (!values.includes(v)) {
      throw new ParseProblem(`must be one of ${values.join(', ')}, got "${raw}"`);
    }
    return v;
  };

export const text: Parser<string> = (raw) => raw;

export const url =
  (...protocols: string[]): Parser<string> =>
  (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw.trim());
    } catch {
      throw new ParseProblem(`is not a valid URL (expected ${protocols.join(' or ')}//…)`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new ParseProblem(
        `must start with ${protocols.join(' or ')}//, got "${parsed.protocol}//"`,
      );
    }
    return raw.trim();
  };

/** One bare origin (scheme://host[:port]), http or https, without a trailing slash. */
export const origin: Parser<string> = (raw) => {
  const value = raw.trim().replace(/\/$/, '');
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ParseProblem(`"${raw}" is not an origin like https://api.example.com`);
  }
  if (!['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== value) {
    throw new ParseProblem(
      `"${raw}" must be a bare http(s) origin (scheme://host[:port]), no path`,
    );
  }
  return value;
};

export const originList: Parser<string[]> = (raw) => {
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const origin of list) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ParseProblem(`"${origin}" is not an origin like https://app.example.com`);
    }
    if (parsed.origin !== origin.replace(/\/$/, '')) {
      throw new ParseProblem(`"${origin}" must be a bare origin (scheme://host[:port]), no path`);
    }
  }
  return list.map((o) => o.replace(/\/$/, ''));
};

/** A shared secret sent as a bearer token: long enough not to guess, no whitespace. */
export const secret =
  (minLength: number): Parser<string> =>
  (raw) => {
    const value = raw.trim();
    if (value.length < minLength) {
      throw new ParseProblem(
        `must be at least ${minLength} characters, got ${value.length} (generate one with: openssl rand -hex 32)`,
      );
    }
    if (/\s/.test(value)) {
      throw new ParseProblem('must not contain whitespace (it is sent as a bearer token)');
    }
    return value;
  };

/**
 * A key given as base64 (standard or url-safe) that must decode to exactly
 * `bytes` bytes; kept as text (the configuration is frozen, a Buffer cannot be).
 */
export const base64Key =
  (bytes: number): Parser<string> =>
  (raw) => {
    const v = raw.trim();
    const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) ? Buffer.from(v, 'base64') : Buffer.alloc(0);
    if (key.length !== bytes) {
      throw new ParseProblem(
        `must be ${bytes} random bytes in base64 (e.g. \`openssl rand -base64 ${bytes}\`), got ${key.length} bytes`,
      );
    }
    return v;
  };
