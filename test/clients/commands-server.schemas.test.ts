import { describe, expect, it } from 'vitest';
import {
  anything,
  blockData,
  blockedData,
  deviceUsageData,
  ipList,
  messageObject,
  rateData,
  scanData,
  sentence,
  ShapeError,
  ssidData,
  startSessionData,
  usageData,
  wifiStatusData,
  type Validator,
} from '../../src/clients/commands-server.schemas.js';

/**
 * The acceptance rules of the reply validators, value by value: what each accepts (and
 * what it makes of it) and what it rejects, with the path it names. The contract and
 * client tests check the same validators through HTTP; this pins the edges.
 */

const usage = {
  mac: 'AA:BB',
  ip: '10.0.0.1',
  download: 1.5,
  upload: 0,
  unit: 'MB',
  connections: 3,
};

const accepted: [string, Validator<unknown>, unknown, unknown][] = [
  ['sentence', sentence, '', ''],
  ['blockData without a MAC', blockData, 'Blocked', { message: 'Blocked', mac: null }],
  ['messageObject drops extras', messageObject, { message: 'm', x: 1 }, { message: 'm' }],
  ['anything: null', anything, null, null],
  ['anything: an array', anything, [1], [1]],
  [
    'startSessionData',
    startSessionData,
    { session_id: 's', router_reachable: false, infrastructure_ready: true, message: 'm', x: 1 },
    { sessionId: 's', routerReachable: false, infrastructureReady: true, message: 'm' },
  ],
  ['scanData: empty', scanData, [], []],
  ['blockedData lower-cases', blockedData, [{ mac: 'AA', ip: 'N/A' }], [{ mac: 'aa', ip: 'N/A' }]],
  ['ipList', ipList, ['1.1.1.1', ''], ['1.1.1.1', '']],
  ['rateData: number', rateData, { rate_mbps: 0.5 }, { rateMbps: 0.5 }],
  ['rateData: negative number', rateData, { rate_mbps: -3 }, { rateMbps: -3 }],
  ['rateData: padded string', rateData, { rate_mbps: ' 25 ' }, { rateMbps: 25 }],
  ['rateData: hex string', rateData, { rate_mbps: '0x10' }, { rateMbps: 16 }],
  ['rateData: exponent string', rateData, { rate_mbps: '1e2' }, { rateMbps: 100 }],
  [
    'wifiStatusData',
    wifiStatusData,
    { enabled: true, ssid: '', encryption: 'none' },
    { enabled: true, ssid: '', encryption: 'none' },
  ],
  ['ssidData', ssidData, { ssid: 'Home', other: 1 }, 'Home'],
  [
    'usageData: zero connections, negative traffic',
    usageData,
    [{ ...usage, connections: 0, download: -1, extra: true }],
    [{ ...usage, mac: 'aa:bb', connections: 0, download: -1 }],
  ],
  [
    'usageData: largest safe count',
    usageData,
    [{ ...usage, connections: Number.MAX_SAFE_INTEGER }],
    [{ ...usage, mac: 'aa:bb', connections: Number.MAX_SAFE_INTEGER }],
  ],
  [
    'deviceUsageData',
    deviceUsageData,
    { ...usage, period: 'week', timestamp: 't', extra: 1 },
    { ...usage, mac: 'aa:bb', period: 'week', timestamp: 't' },
  ],
];

const rejected: [string, Validator<unknown>, unknown, string][] = [
  ['sentence: a number', sentence, 5, 'data'],
  ['sentence: null', sentence, null, 'data'],
  ['blockData: an object', blockData, { ok: true }, 'data'],
  ['messageObject: an array', messageObject, [], 'data'],
  ['messageObject: null', messageObject, null, 'data'],
  ['messageObject: a numeric message', messageObject, { message: 1 }, 'data.message'],
  [
    'startSessionData: a string flag',
    startSessionData,
    { session_id: 's', router_reachable: 'true', infrastructure_ready: true, message: 'm' },
    'data.router_reachable',
  ],
  ['scanData: an object', scanData, { devices: [] }, 'data'],
  [
    'scanData: a missing vendor',
    scanData,
    [
      { ip: '1', mac: 'a', hostname: 'h', vendor: 'v' },
      { ip: '1', mac: 'a', hostname: 'h' },
    ],
    'data[1]',
  ],
  ['blockedData: a null entry', blockedData, [null], 'data[0]'],
  ['ipList: a number', ipList, ['1.1.1.1', 7], 'data[1]'],
  ['rateData: missing', rateData, {}, 'data'],
  ['rateData: a blank string', rateData, { rate_mbps: '  ' }, 'data.rate_mbps'],
  ['rateData: an empty string', rateData, { rate_mbps: '' }, 'data.rate_mbps'],
  ['rateData: a word', rateData, { rate_mbps: 'fast' }, 'data.rate_mbps'],
  ['rateData: an infinite string', rateData, { rate_mbps: '1e999' }, 'data.rate_mbps'],
  ['rateData: null', rateData, { rate_mbps: null }, 'data.rate_mbps'],
  ['rateData: a boolean', rateData, { rate_mbps: true }, 'data.rate_mbps'],
  ['rateData: NaN', rateData, { rate_mbps: NaN }, 'data.rate_mbps'],
  ['rateData: Infinity', rateData, { rate_mbps: Infinity }, 'data.rate_mbps'],
  ['wifiStatusData: an array', wifiStatusData, [], 'data'],
  ['ssidData: a bare string', ssidData, 'Home', 'data'],
  ['usageData: fractional connections', usageData, [{ ...usage, connections: 1.5 }], 'data[0]'],
  ['usageData: negative connections', usageData, [{ ...usage, connections: -1 }], 'data[0]'],
  ['usageData: unsafe connections', usageData, [{ ...usage, connections: 1e300 }], 'data[0]'],
  ['usageData: string traffic', usageData, [{ ...usage, upload: '1' }], 'data[0]'],
  ['usageData: infinite traffic', usageData, [{ ...usage, download: Infinity }], 'data[0]'],
  ['deviceUsageData: no timestamp', deviceUsageData, { ...usage, period: 'week' }, 'data'],
];

describe('reply validators', () => {
  it.each(accepted)('accept %s', (_name, validate, value, expected) => {
    expect(validate(value)).toEqual(expected);
  });

  it.each(rejected)('reject %s, naming %s or below', (_name, validate, value, path) => {
    let error: unknown;
    try {
      validate(value);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as ShapeError).path.startsWith(path)).toBe(true);
  });

  it('returns fresh values, never the answer itself', () => {
    const ips = ['1.1.1.1'];
    expect(ipList(ips)).not.toBe(ips);
    const devices = [{ mac: 'aa', ip: '1' }];
    expect(blockedData(devices)[0]).not.toBe(devices[0]);
  });
});
