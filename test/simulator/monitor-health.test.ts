/** Monitor (§1.2.6) and health (§1.2.1) blueprints of the simulator, through real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import {
  USAGE_THRESHOLDS,
  usageCounters,
  type UsageObject,
  type UsagePeriod,
} from '../../src/simulator/usage.js';
import { bind, startSession, TIMESTAMP } from './helpers.js';

let sim: Simulator;
let counter = 0;
const fresh = async (devices = 12) => {
  counter += 1;
  const routerId = `mon-router-${counter}`;
  const sessionId = `mon-${counter}`;
  const client = await startSession(sim, sessionId, routerId);
  sim.configureRouter(routerId, { deviceCount: devices });
  return { routerId, sessionId, client };
};

const ROUTES: Record<UsagePeriod, string> = {
  current: '/api/monitor/current',
  week: '/api/monitor/last-week',
  month: '/api/monitor/last-month',
};

beforeAll(async () => {
  sim = await startSimulator();
});

afterAll(async () => {
  await sim.close();
});

describe('usage lists', () => {
  it.each(Object.entries(ROUTES) as [UsagePeriod, string][])(
    '%s: usage objects above the threshold, sorted by total descending',
    async (period, path) => {
      const { client, routerId } = await fresh(60);
      const rows = (await client.data('GET', path)) as UsageObject[];
      const devices = sim.routerState(routerId).devices;
      const expected = devices.filter((d) => {
        const c = usageCounters(routerId, d.mac, period);
        return c.rx + c.tx > USAGE_THRESHOLDS[period];
      });
      expect(rows.map((r) => r.mac).sort()).toEqual(expected.map((d) => d.mac).sort());
      // Every threshold filters something out of 60 devices.
      expect(rows.length).toBeLessThan(60);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(Object.keys(row)).toEqual([
          'connections',
          'download',
          'ip',
          'mac',
          'unit',
          'upload',
        ]);
        expect(row.unit).toBe('MB');
        expect(Number.isInteger(row.connections)).toBe(true);
        const device = devices.find((d) => d.mac === row.mac);
        expect(row.ip).toBe(device?.ip);
        const c = usageCounters(routerId, row.mac, period);
        expect(row.download).toBeCloseTo(c.rx / 1048576, 2);
        expect(row.upload).toBeCloseTo(c.tx / 1048576, 2);
        expect(Math.round(row.download * 100)).toBeCloseTo(row.download * 100, 6);
      }
      const totals = rows.map((r) => r.download + r.upload);
      expect(totals).toEqual([...totals].sort((a, b) => b - a));
    },
  );

  it('answers [] for an empty network', async () => {
    const { client } = await fresh(0);
    expect(await client.data('GET', '/api/monitor/current')).toEqual([]);
  });

  it('answers COMMAND_FAILED for an unknown router', async () => {
    const { sessionId } = await fresh();
    await bind(sim, sessionId, 'unknown-router').failure(
      'GET',
      '/api/monitor/last-week',
      500,
      'COMMAND_FAILED',
    );
  });
});

describe('device usage', () => {
  it('answers one usage object with period and a zone-less timestamp; the mac is lower-cased', async () => {
    const { client, routerId } = await fresh(60);
    const device = sim
      .routerState(routerId)
      .devices.find((d) => usageCounters(routerId, d.mac, 'current').rx > 5 * 1048576);
    expect(device).toBeDefined();
    const mac = device?.mac ?? '';
    for (const period of ['current', 'week', 'month'] as const) {
      const data = (await client.data('GET', `/api/monitor/device/${mac.toUpperCase()}`, {
        query: { period },
      })) as UsageObject & { period: string; timestamp: string };
      expect(data).toMatchObject({ mac, ip: device?.ip, unit: 'MB', period });
      expect(data.timestamp).toMatch(TIMESTAMP);
    }
    const defaulted = (await client.data('GET', `/api/monitor/device/${mac}`)) as {
      period: string;
    };
    expect(defaulted.period).toBe('current');
  });

  it('answers COMMAND_FAILED for a bad period, an unknown mac and insufficient usage', async () => {
    const { client, routerId } = await fresh(60);
    const devices = sim.routerState(routerId).devices;
    const mac = devices[0]?.mac ?? '';
    for (const period of ['year', '', 'CURRENT']) {
      await client.failure('GET', `/api/monitor/device/${mac}`, 500, 'COMMAND_FAILED', {
        query: { period },
      });
    }
    const missing = await client.failure(
      'GET',
      '/api/monitor/device/00:00:00:00:00:00',
      500,
      'COMMAND_FAILED',
    );
    expect(missing).toMatch(/not found/i);
    const idle = devices.find((d) => {
      const c = usageCounters(routerId, d.mac, 'month');
      return c.rx + c.tx <= USAGE_THRESHOLDS.month;
    });
    expect(idle).toBeDefined();
    const insufficient = await client.failure(
      'GET',
      `/api/monitor/device/${idle?.mac}`,
      500,
      'COMMAND_FAILED',
      { query: { period: 'month' } },
    );
    expect(insufficient).toMatch(/Insufficient month usage data/);
  });
});

describe('health blueprint', () => {
  it('reports the infrastructure set up by start', async () => {
    const { client, sessionId } = await fresh();
    const report = (await client.data('GET', '/infrastructure')) as {
      interfaces_found: number;
      interfaces: string[];
      tc_status: Record<string, { has_classes: boolean; classes_output: string }>;
      iptables_chains: Record<string, unknown>;
    };
    expect(report.interfaces_found).toBe(report.interfaces.length);
    expect(report.interfaces).not.toContain('lo');
    for (const iface of report.interfaces) {
      expect(report.tc_status[iface]?.has_classes).toBe(true);
      expect(typeof report.tc_status[iface]?.classes_output).toBe('string');
    }
    expect(report.iptables_chains).toMatchObject({
      has_whitelist_chain: true,
      has_blacklist_chain: true,
    });
    expect(typeof report.iptables_chains.chains_output).toBe('string');
    // A router the start did not name has no infrastructure, yet answers.
    const other = (await bind(sim, sessionId, 'never-started-router').data(
      'GET',
      '/infrastructure',
    )) as typeof report;
    expect(Object.values(other.tc_status).every((s) => !s.has_classes)).toBe(true);
  });

  it('reports device chains with has_default_rule always false', async () => {
    const { client } = await fresh();
    await client.data('POST', '/api/whitelist/add', { body: { ip: '192.168.1.4' } });
    await client.data('POST', '/api/whitelist/mode');
    const data = (await client.data('GET', '/device-chains')) as {
      message: string;
      details: {
        whitelist_chain: { exists: boolean; rules_output: string; has_default_rule: boolean };
        blacklist_chain: { exists: boolean; rules_output: string };
      };
    };
    expect(data.message).toBe('Device chains validation completed');
    expect(data.details.whitelist_chain).toMatchObject({ exists: true, has_default_rule: false });
    expect(data.details.whitelist_chain.rules_output).toContain('192.168.1.4');
    expect(data.details.blacklist_chain.exists).toBe(true);
  });

  it('reports the mode-activation shape', async () => {
    const { client } = await fresh();
    const data = (await client.data('GET', '/mode-activation')) as {
      details: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(data.details)).toEqual([
      'active_mode',
      'forward_rules',
      'postrouting_rules',
      'prerouting_rules',
    ]);
    expect(data.details.active_mode).toEqual({ mode: 'none', error: null });
    for (const key of ['forward_rules', 'postrouting_rules', 'prerouting_rules']) {
      expect(data.details[key]).toMatchObject({
        has_whitelist_jump: false,
        has_blacklist_jump: false,
      });
    }
  });

  it('answers the validation codes for an unknown router', async () => {
    const { sessionId } = await fresh();
    const unknown = bind(sim, sessionId, 'unknown-router');
    await unknown.failure('GET', '/infrastructure', 500, 'INFRA_VALIDATION_FAILED');
    await unknown.failure('GET', '/device-chains', 500, 'DEVICE_CHAINS_VALIDATION_FAILED');
    await unknown.failure('GET', '/mode-activation', 500, 'MODE_ACTIVATION_VALIDATION_FAILED');
    await unknown.failure('POST', '/deactivate-all-modes', 500, 'MODE_DEACTIVATION_FAILED');
  });
});
