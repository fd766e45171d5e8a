/**
 * The Python semantics the simulator copies. Expected values were produced with
 * CPython 3.11 (`repr(float)`, `float(str)`, `round(x, 2)`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pythonJson } from '../../src/simulator/envelope.js';
import {
  floatRepr,
  isoformatLocal,
  isTruthy,
  mebibytes,
  pyFloat,
  pyInt,
  pyStr,
  sessionKey,
} from '../../src/simulator/python.js';

describe('floatRepr', () => {
  it.each([
    [50, '50.0'],
    [0.1, '0.1'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [123456789012345.6, '123456789012345.6'],
    [1e22, '1e+22'],
    [-2.5, '-2.5'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [1 / 3, '0.3333333333333333'],
    [Number.NaN, 'nan'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('repr(%s) is %s', (x, expected) => {
    expect(floatRepr(x)).toBe(expected);
  });

  it('round-trips every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = floatRepr(x);
        return Object.is(Number(text), x) || (x === 0 && Number(text) === 0);
      }),
    );
  });
});

describe('pyFloat', () => {
  it.each([
    [' 5 ', 5],
    ['1_000', 1000],
    ['1e3', 1000],
    ['.5', 0.5],
    ['5.', 5],
    ['-inf', -Infinity],
    ['Infinity', Infinity],
    [true, 1],
    [12.5, 12.5],
  ])('float(%j) = %s', (input, expected) => {
    expect(pyFloat(input)).toBe(expected);
  });

  it('parses nan', () => {
    expect(pyFloat('nan')).toBeNaN();
  });

  it.each(['0x10', '1__0', '_1', '1024kbit', '', 'fast', null, [1], { a: 1 }])(
    'float(%j) raises',
    (input) => {
      expect(pyFloat(input)).toBeUndefined();
    },
  );

  it('parses Python int literals', () => {
    expect(pyInt(' 7 ')).toBe(7);
    expect(pyInt('-1')).toBe(-1);
    expect(pyInt('1_0')).toBe(10);
    expect(pyInt('1.0')).toBeUndefined();
    expect(pyInt('abc')).toBeUndefined();
  });
});

describe('mebibytes', () => {
  it.each([
    [131072, 0.12],
    [393216, 0.38],
    [10485, 0.01],
    [1048576 * 3 + 5243, 3.01],
    [5242, 0],
    [5243, 0.01],
  ])('round(%i / 1048576, 2) = %s', (bytes, expected) => {
    expect(mebibytes(bytes)).toBe(expected);
  });
});

describe('truthiness, keys, str and JSON', () => {
  it('follows Python truthiness', () => {
    for (const falsy of [0, '', false, null, undefined, [], {}]) {
      expect(isTruthy(falsy)).toBe(false);
    }
    for (const truthy of [1, -1, 'false', '0', true, [0], { a: 0 }]) {
      expect(isTruthy(truthy)).toBe(true);
    }
  });

  it('hashes like a dict key', () => {
    expect(sessionKey(123)).not.toBe(sessionKey('123'));
    expect(sessionKey(1)).toBe(sessionKey(true));
    expect(sessionKey([1])).toBeUndefined();
    expect(sessionKey({})).toBeUndefined();
  });

  it('stringifies like str()', () => {
    expect(pyStr(5)).toBe('5');
    expect(pyStr(true)).toBe('True');
    expect(pyStr(null)).toBe('None');
    expect(pyStr(['a', 1])).toBe("['a', 1]");
    expect(pyStr({ k: 'v' })).toBe("{'k': 'v'}");
  });

  it('formats local time like isoformat()', () => {
    const date = new Date(2025, 7, 9, 20, 14, 24, 512);
    expect(isoformatLocal(date)).toBe('2025-08-09T20:14:24.512000');
    expect(isoformatLocal(new Date(2025, 0, 2, 3, 4, 5, 0))).toBe('2025-01-02T03:04:05');
  });

  it('writes JSON like jsonify', () => {
    expect(pythonJson({ b: 1, a: { d: [1, 'é'], c: null }, 10: 'x', 2: 'y' })).toBe(
      '{"10":"x","2":"y","a":{"c":null,"d":[1,"\\u00e9"]},"b":1}\n',
    );
  });
});
