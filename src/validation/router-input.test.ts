import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import {
  assertRouterId,
  normalizeMac,
  parseIpv4,
  parseRateMbps,
  parseSsid,
  parseWifiPassword,
} from './router-input.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).message;
  }
  throw new Error('expected a validation error');
}

describe('router input validation', () => {
  it('accepts strict IPv4 dotted quads only', () => {
    expect(parseIpv4('192.168.1.10')).toBe('192.168.1.10');
    expect(parseIpv4('0.0.0.0')).toBe('0.0.0.0');
    for (const bad of [
      '192.168.01.10',
      '192.168.1.10\n',
      ' 192.168.1.10',
      '256.1.1.1',
      '1.2.3',
      '1.2.3.4.5',
      '',
    ]) {
      expect(() => parseIpv4(bad), JSON.stringify(bad)).toThrow(ValidationError);
    }
    expect(message(() => parseIpv4('fe80::1'))).toContain('IPv4 only');
    expect(message(() => parseIpv4("1.2.3.4'; reboot; '"))).toContain('single quote');
    expect(message(() => parseIpv4('1.2.3.4\\'))).toContain('backslash');
    expect(message(() => parseIpv4('1.2.3.4\n'))).toContain('control characters');
  });

  it('normalises MACs to lower-case colon form', () => {
    expect(normalizeMac('AA-BB-CC-DD-EE-0F')).toBe('aa:bb:cc:dd:ee:0f');
    expect(normalizeMac('aabbccddeeff')).toBe('aa:bb:cc:dd:ee:ff');
    expect(normalizeMac('aa:bb:cc:dd:ee:ff')).toBe('aa:bb:cc:dd:ee:ff');
    for (const bad of ['aa:bb:cc:dd:ee', 'aa:bb-cc:dd:ee:ff', 'gg:bb:cc:dd:ee:ff', '../x?a=b']) {
      expect(() => normalizeMac(bad), bad).toThrow(ValidationError);
    }
  });

  it('checks SSIDs by bytes and shell safety', () => {
    expect(parseSsid('Home WiFi')).toBe('Home WiFi');
    expect(parseSsid('é'.repeat(16))).toHaveLength(16);
    expect(message(() => parseSsid('x'.repeat(33)))).toContain('1 to 32 bytes');
    expect(message(() => parseSsid('é'.repeat(17)))).toContain('1 to 32 bytes');
    expect(() => parseSsid('')).toThrow(ValidationError);
    expect(message(() => parseSsid("it's mine"))).toContain('single quote');
  });

  it('checks Wi-Fi passwords', () => {
    expect(parseWifiPassword('12345678')).toBe('12345678');
    expect(message(() => parseWifiPassword('1234567'))).toContain('8 to 63');
    expect(message(() => parseWifiPassword('x'.repeat(64)))).toContain('8 to 63');
    expect(message(() => parseWifiPassword("pass'word"))).toContain('single quote');
    expect(message(() => parseWifiPassword('pässword1'))).toContain('ASCII');
  });

  it('checks rates and router ids', () => {
    expect(parseRateMbps(1, 'r')).toBe(1);
    expect(parseRateMbps(1000, 'r')).toBe(1000);
    for (const bad of [0, 1001, Number.NaN, Number.POSITIVE_INFINITY, '5', null]) {
      expect(() => parseRateMbps(bad, 'r'), String(bad)).toThrow(ValidationError);
    }
    expect(assertRouterId('home-router_1.a')).toBe('home-router_1.a');
    expect(() => assertRouterId('a b')).toThrow(ValidationError);
    expect(() => assertRouterId('x'.repeat(129))).toThrow(ValidationError);
  });
});
