import { describe, expect, it } from 'vitest';
import { cleanScan } from './devices.service.js';

const d = (mac: string, ip = '192.168.1.2', hostname = 'pc', vendor = 'Acme') => ({
  mac,
  ip,
  hostname,
  vendor,
});

describe(cleanScan.name, () => {
  it('normalises MACs and keeps one entry per MAC, the last one winning', () => {
    expect(
      cleanScan([d('AA-BB-CC-DD-EE-01', '10.0.0.1'), d('aa:bb:cc:dd:ee:01', '10.0.0.2')]),
    ).toEqual([{ mac: 'aa:bb:cc:dd:ee:01', ip: '10.0.0.2', hostname: 'pc', vendor: 'Acme' }]);
  });

  it('drops entries without a valid MAC and nulls IPs that are not strict IPv4', () => {
    expect(
      cleanScan([
        d('incomplete'),
        d('aa:bb:cc:dd:ee:02', 'N/A'),
        d('aa:bb:cc:dd:ee:03', '010.0.0.1'),
      ]),
    ).toEqual([
      { mac: 'aa:bb:cc:dd:ee:02', ip: null, hostname: 'pc', vendor: 'Acme' },
      { mac: 'aa:bb:cc:dd:ee:03', ip: null, hostname: 'pc', vendor: 'Acme' },
    ]);
  });

  it("turns the router's Unknown placeholders into null", () => {
    expect(cleanScan([d('aa:bb:cc:dd:ee:04', '10.0.0.4', 'Unknown', 'Unknown Vendor')])).toEqual([
      { mac: 'aa:bb:cc:dd:ee:04', ip: '10.0.0.4', hostname: null, vendor: null },
    ]);
  });

  it('answers nothing for an empty scan', () => {
    expect(cleanScan([])).toEqual([]);
  });
});
