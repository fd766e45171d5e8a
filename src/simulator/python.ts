/**
 * Small re-implementations of the Python semantics the real Commands-Server relies on
 * (it is a Flask app). The simulator must reproduce them, not JavaScript's, because
 * clients see the differences: truthiness decides 400s, `float()` decides which rates
 * are accepted, `repr(float)` decides how rates are stored, and dict hashing decides
 * which session ids are the same session.
 */

/** Python's truth value of a decoded JSON value (`0`, `""`, `[]`, `{}`, `false`, `null` are false). */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) {
    return false;
  }
  if (typeof value === 'number') {
    return value !== 0;
  }
  if (typeof value === 'string' || Array.isArray(value)) {
    return value.length > 0;
  }
  if (typeof value === 'object') {
    return Object.keys(value).length > 0;
  }
  return true;
}

/**
 * The key a value gets in a Python dict, or undefined when Python would raise
 * `TypeError: unhashable type` (lists and dicts). `123` and `"123"` are different keys;
 * `1`, `1.0` and `true` are the same one, as in Python (§5.11).
 */
export function sessionKey(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return `s:${value}`;
  }
  if (typeof value === 'number') {
    return `n:${String(Object.is(value, -0) ? 0 : value)}`;
  }
  if (typeof value === 'boolean') {
    return `n:${value ? 1 : 0}`;
  }
  if (value === null || value === undefined) {
    return 'none';
  }
  return undefined;
}

/** Python's `repr(float)`: shortest round-trip digits, `.0` on integers, exponent outside 1e-4..1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) {
    return 'nan';
  }
  if (!Number.isFinite(x)) {
    return x > 0 ? 'inf' : '-inf';
  }
  if (x === 0) {
    return Object.is(x, -0) ? '-0.0' : '0.0';
  }
  const [mantissa = '', expText = '0'] = x.toExponential().split('e');
  const exp = Number(expText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const head = digits.length > 1 ? `${digits[0] ?? ''}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(exp)).padStart(2, '0');
    return `${sign}${head}e${exp < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const fracPart = digits.slice(exp + 1);
    return `${sign}${intPart}.${fracPart === '' ? '0' : fracPart}`;
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

const DIGITS = String.raw`\d(?:_?\d)*`;
const FLOAT_LITERAL = new RegExp(
  String.raw`^[+-]?(?:(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?)$`,
);
const FLOAT_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * Python's `float(value)`, or undefined where it raises (ValueError/TypeError).
 * Accepts surrounding whitespace, `_` separators, `"nan"`, `"inf"`, `"infinity"`, and
 * booleans (`float(True) == 1.0`).
 */
export function pyFloat(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'boolean') {
    return value ? 1 : 0;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const text = value.trim();
  const special = FLOAT_SPECIAL.exec(text);
  if (special) {
    if ((special[2] ?? '').toLowerCase() === 'nan') {
      return Number.NaN;
    }
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!FLOAT_LITERAL.test(text)) {
    return undefined;
  }
  return Number(text.replace(/_/g, ''));
}

const INT_LITERAL = new RegExp(String.raw`^[+-]?${DIGITS}$`);

/** Python's `int(text)`, or undefined where it raises. */
export function pyInt(text: string): number | undefined {
  const trimmed = text.trim();
  if (!INT_LITERAL.test(trimmed)) {
    return undefined;
  }
  return Number(trimmed.replace(/_/g, ''));
}

/** Python's `str(value)` for decoded JSON values, as an f-string would paste it. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  return pyRepr(value);
}

function pyRepr(value: unknown): string {
  if (value === null || value === undefined) {
    return 'None';
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : floatRepr(value);
  }
  if (typeof value === 'string') {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  if (Array.isArray(value)) {
    return `[${value.map(pyRepr).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return typeof value === 'bigint' ? value.toString() : 'None';
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Python's `datetime.now().isoformat()`: local time, no zone suffix, microseconds
 * omitted when they are zero (§2.1).
 */
export function isoformatLocal(date: Date): string {
  const base =
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const ms = date.getMilliseconds();
  return ms === 0 ? base : `${base}.${pad(ms, 3)}000`;
}

/**
 * Python's `round(bytes / 1048576, 2)` computed exactly (round half to even on the exact
 * binary value), so figures match the real server to the last digit.
 */
export function mebibytes(bytes: number): number {
  const scaled = BigInt(Math.trunc(bytes)) * 100n;
  const unit = 1048576n;
  let quotient = scaled / unit;
  const twiceRemainder = (scaled % unit) * 2n;
  if (twiceRemainder > unit || (twiceRemainder === unit && quotient % 2n === 1n)) {
    quotient += 1n;
  }
  return Number(quotient) / 100;
}
