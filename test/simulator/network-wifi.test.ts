/** Network (§1.2.3) and Wi-Fi (§1.2.4) blueprints of the simulator, through real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimDevice, type Simulator } from '../../src/simulator/index.js';
import { bind, startSession } from './helpers.js';

let sim: Simulator;
let buggy: Simulator;
let counter = 0;
const fresh = async (target: Simulator = sim) => {
  counter += 1;
  const routerId = `net-router-${counter}`;
  const sessionId = `net-${counter}`;
  return { routerId, sessionId, client: await startSession(target, sessionId, routerId) };
};

beforeAll(async () => {
  sim = await startSimulator();
  buggy = await startSimulator({ realUciBugs: true });
});

afterAll(async () => {
  await Promise.all([sim.close(), buggy.close()]);
});

describe('scan', () => {
  it('lists the deterministic LAN of the router', async () => {
    const { client, routerId } = await fresh();
    const devices = (await client.data('GET', '/api/network/scan')) as SimDevice[];
    expect(devices).toHaveLength(12);
    expect(devices).toEqual(sim.routerState(routerId).devices);
    devices.forEach((device, i) => {
      expect(Object.keys(device)).toEqual(['hostname', 'ip', 'mac', 'vendor']);
      expect(device.ip).toBe(`192.168.1.${2 + i}`);
      expect(device.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      expect(typeof device.hostname).toBe('string');
      expect(typeof device.vendor).toBe('string');
    });
    // Same id, same network.
    expect(sim.routerState(routerId).devices).toEqual(devices);
  });

  it('scans 2,000 devices quickly', async () => {
    const { client, routerId } = await fresh();
    sim.configureRouter(routerId, { deviceCount: 2000 });
    const started = Date.now();
    const devices = (await client.data('GET', '/api/network/scan')) as SimDevice[];
    expect(Date.now() - started).toBeLessThan(2000);
    expect(devices).toHaveLength(2000);
    expect(devices[250]?.ip).toBe('192.168.2.2');
    expect(devices[1999]?.ip).toBe('192.168.8.251');
    expect(new Set(devices.map((d) => d.mac)).size).toBe(2000);
    expect(new Set(devices.map((d) => d.ip)).size).toBe(2000);
  });

  it('answers [] for an empty network and COMMAND_FAILED for an unknown router', async () => {
    const { client, routerId, sessionId } = await fresh();
    sim.configureRouter(routerId, { devices: [] });
    expect(await client.data('GET', '/api/network/scan')).toEqual([]);
    const message = await bind(sim, sessionId, 'unknown-router').failure(
      'GET',
      '/api/network/scan',
      500,
      'COMMAND_FAILED',
    );
    expect(message).toMatch(/^Command failed: .*unknown-router/);
  });
});

describe('block, unblock, blocked, reset', () => {
  it('blocks by IP, lists the block, and unblocks', async () => {
    const { client, routerId } = await fresh();
    const device = sim.routerState(routerId).devices[3] as SimDevice;
    expect(await client.data('POST', '/api/network/block', { body: { ip: device.ip } })).toBe(
      `Successfully blocked IP ${device.ip} (MAC: ${device.mac})`,
    );
    expect(await client.data('GET', '/api/network/blocked')).toEqual([
      { mac: device.mac, ip: device.ip },
    ]);
    expect(sim.routerState(routerId).blocked).toEqual([{ mac: device.mac, ip: device.ip }]);
    const unblocked = await client.data('POST', '/api/network/unblock', {
      body: { ip: device.ip },
    });
    expect(typeof unblocked).toBe('string');
    expect(await client.data('GET', '/api/network/blocked')).toEqual([]);
    const message = await client.failure('POST', '/api/network/unblock', 500, 'COMMAND_FAILED', {
      body: { ip: device.ip },
    });
    expect(message).toMatch(/Block rule .* not found/);
  });

  it('matches the ip as a substring, so .1 finds .10 (§5.10)', async () => {
    const { client, routerId } = await fresh();
    const tenth = sim.routerState(routerId).devices.find((d) => d.ip === '192.168.1.10');
    expect(await client.data('POST', '/api/network/block', { body: { ip: '192.168.1.1' } })).toBe(
      `Successfully blocked IP 192.168.1.1 (MAC: ${tenth?.mac})`,
    );
  });

  it('never validates the ip, only its truthiness', async () => {
    const { client, routerId } = await fresh();
    const first = sim.routerState(routerId).devices[0] as SimDevice;
    // "br-lan" appears on every ARP line: the first one wins.
    expect(await client.data('POST', '/api/network/block', { body: { ip: 'br-lan' } })).toBe(
      `Successfully blocked IP br-lan (MAC: ${first.mac})`,
    );
    for (const body of [{}, { ip: '' }, { ip: 0 }, { ip: false }]) {
      await client.failure('POST', '/api/network/block', 400, 'BAD_REQUEST', { body });
      await client.failure('POST', '/api/network/unblock', 400, 'BAD_REQUEST', { body });
    }
    const message = await client.failure('POST', '/api/network/block', 500, 'COMMAND_FAILED', {
      body: { ip: '10.9.9.9' },
    });
    expect(message).toMatch(/^Command failed: /);
  });

  it('reports ip "N/A" for a blocked MAC that left the ARP table', async () => {
    const { client, routerId } = await fresh();
    const devices = sim.routerState(routerId).devices;
    const gone = devices[0] as SimDevice;
    await client.data('POST', '/api/network/block', { body: { ip: gone.ip } });
    sim.configureRouter(routerId, { devices: devices.slice(1) });
    expect(await client.data('GET', '/api/network/blocked')).toEqual([
      { mac: gone.mac, ip: 'N/A' },
    ]);
  });

  it('resets every rule', async () => {
    const { client, routerId } = await fresh();
    const device = sim.routerState(routerId).devices[5] as SimDevice;
    await client.data('POST', '/api/network/block', { body: { ip: device.ip } });
    expect(await client.data('POST', '/api/network/reset')).toBe(
      'All firewall rules and MAC blocks have been reset.',
    );
    expect(await client.data('GET', '/api/network/blocked')).toEqual([]);
  });

  it('fails unblock and reset as real uci does when realUciBugs is on', async () => {
    const { client, routerId } = await fresh(buggy);
    const device = buggy.routerState(routerId).devices[2] as SimDevice;
    await client.data('POST', '/api/network/block', { body: { ip: device.ip } });
    const unblock = await client.failure('POST', '/api/network/unblock', 500, 'COMMAND_FAILED', {
      body: { ip: device.ip },
    });
    expect(unblock).toMatch(/^Command failed: Failed to apply unblock rule: /);
    const reset = await client.failure('POST', '/api/network/reset', 500, 'COMMAND_FAILED');
    expect(reset).toBe('Command failed: An unexpected error occurred during rule reset.');
    expect(buggy.routerState(routerId).blocked).toHaveLength(1);
  });
});

describe('wifi', () => {
  it('reports the status of radio 0', async () => {
    const { client } = await fresh();
    expect(await client.data('GET', '/api/wifi/status')).toEqual({
      enabled: true,
      ssid: 'OpenWrt',
      encryption: 'psk2',
    });
  });

  it('validates and changes the password', async () => {
    const { client, routerId } = await fresh();
    await client.failure('POST', '/api/wifi/password', 400, 'BAD_REQUEST', { body: {} });
    await client.failure('POST', '/api/wifi/password', 400, 'BAD_REQUEST', {
      body: { password: '' },
    });
    await client.failure('POST', '/api/wifi/password', 500, 'COMMAND_FAILED', {
      body: { password: 'short' },
    });
    await client.html('POST', '/api/wifi/password', 500, { body: { password: 12345678 } });
    expect(
      await client.data('POST', '/api/wifi/password', {
        body: { password: 'correct horse', interface: 3 },
      }),
    ).toBe('WiFi password changed for network: OpenWrt');
    expect(sim.routerState(routerId).wifi).toMatchObject({
      password: 'correct horse',
      encryption: 'psk2',
    });
  });

  it('sets and reads the SSID, honouring interface only on GET', async () => {
    const { client, routerId } = await fresh();
    await client.failure('POST', '/api/wifi/ssid', 400, 'BAD_REQUEST', { body: { ssid: '' } });
    expect(
      await client.data('POST', '/api/wifi/ssid', { body: { ssid: 'Home', interface: 1 } }),
    ).toBe('WiFi SSID changed successfully to: Home');
    expect(sim.routerState(routerId).wifi.ssid).toBe('Home');
    expect(await client.data('GET', '/api/wifi/ssid')).toEqual({ ssid: 'Home' });
    expect(await client.data('GET', '/api/wifi/ssid', { query: { interface: 'abc' } })).toEqual({
      ssid: 'Home',
    });
    expect(await client.data('GET', '/api/wifi/ssid', { query: { interface: '1' } })).toEqual({
      ssid: 'OpenWrt',
    });
    expect(await client.data('GET', '/api/wifi/ssid', { query: { interface: '-2' } })).toEqual({
      ssid: 'Home',
    });
    await client.failure('GET', '/api/wifi/ssid', 500, 'COMMAND_FAILED', {
      query: { interface: '7' },
    });
  });

  it('enables with one of the documented strings', async () => {
    const { client, routerId } = await fresh();
    expect(await client.data('POST', '/api/wifi/enable')).toBe('WiFi is already enabled');
    sim.configureRouter(routerId, { wifi: { enabled: false } });
    expect(await client.data('GET', '/api/wifi/status')).toMatchObject({ enabled: false });
    expect(await client.data('POST', '/api/wifi/enable')).toBe(
      'WiFi enabled successfully with SSID: OpenWrt',
    );
    expect(sim.routerState(routerId).wifi.enabled).toBe(true);
  });

  it('answers 501 on disable and COMMAND_FAILED with the text on an unknown router', async () => {
    const { client, sessionId } = await fresh();
    await client.failure('POST', '/api/wifi/disable', 501, 'NOT_IMPLEMENTED');
    const unknown = bind(sim, sessionId, 'unknown-router');
    const message = await unknown.failure('GET', '/api/wifi/status', 500, 'COMMAND_FAILED');
    expect(message).toContain('unknown-router');
  });
});
