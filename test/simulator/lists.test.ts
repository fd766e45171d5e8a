/** Whitelist and blacklist blueprints of the simulator (§1.2.5), through real HTTP. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { IPV4_PATTERN } from '../../src/simulator/routes/lists.js';
import { bind, startSession } from './helpers.js';

let sim: Simulator;
let counter = 0;
const fresh = async (kind = 'lists') => {
  counter += 1;
  const routerId = `${kind}-router-${counter}`;
  const sessionId = `${kind}-${counter}`;
  return { routerId, sessionId, client: await startSession(sim, sessionId, routerId) };
};

beforeAll(async () => {
  sim = await startSimulator();
});

afterAll(async () => {
  await sim.close();
});

describe.each(['whitelist', 'blacklist'] as const)('%s add/remove', (kind) => {
  it('answers the exact strings and keeps the state file', async () => {
    const { client, routerId } = await fresh();
    expect(await client.data('GET', `/api/${kind}/`)).toEqual([]);
    const ip = '192.168.1.20';
    expect(await client.data('POST', `/api/${kind}/add`, { body: { ip } })).toBe(
      `Device ${ip} added to ${kind}.`,
    );
    expect(await client.data('POST', `/api/${kind}/add`, { body: { ip } })).toBe(
      `Device ${ip} already in ${kind}.`,
    );
    expect(await client.data('GET', `/api/${kind}/`)).toEqual([ip]);
    expect(sim.routerState(routerId)[kind]).toEqual([ip]);
    expect(await client.data('POST', `/api/${kind}/remove`, { body: { ip } })).toBe(
      `Device ${ip} removed from ${kind}.`,
    );
    expect(await client.data('POST', `/api/${kind}/remove`, { body: { ip } })).toBe(
      `Device ${ip} not in ${kind}.`,
    );
  });

  it('accepts leading zeros and a trailing newline, stored raw', async () => {
    const { client, routerId } = await fresh();
    await client.data('POST', `/api/${kind}/add`, { body: { ip: '010.001.002.003' } });
    expect(await client.data('POST', `/api/${kind}/add`, { body: { ip: '10.0.0.1\n' } })).toBe(
      `Device 10.0.0.1\n added to ${kind}.`,
    );
    expect(sim.routerState(routerId)[kind]).toEqual(['010.001.002.003', '10.0.0.1\n']);
  });

  it('rejects IPv6 and malformed addresses with 500 COMMAND_FAILED', async () => {
    const { client } = await fresh();
    for (const ip of [
      '::1',
      'fe80::1',
      '256.1.1.1',
      '1.2.3',
      ' 1.2.3.4',
      '1.2.3.4\n\n',
      'a.b.c.d',
    ]) {
      const message = await client.failure('POST', `/api/${kind}/add`, 500, 'COMMAND_FAILED', {
        body: { ip },
      });
      expect(message).toBe('Command failed: Invalid IP address format.');
    }
  });

  it('answers 400 for a missing or falsy ip and HTML 500 for a non-string one', async () => {
    const { client } = await fresh();
    for (const body of [{}, { ip: '' }, { ip: 0 }, { ip: null }]) {
      await client.failure('POST', `/api/${kind}/add`, 400, 'BAD_REQUEST', { body });
    }
    await client.html('POST', `/api/${kind}/add`, 500, { body: { ip: 192168 } });
    await client.html('POST', `/api/${kind}/remove`, 500, { body: { ip: ['1.2.3.4'] } });
  });

  it('answers HTML 500 for GET/add/remove on an unknown router', async () => {
    const { client, sessionId } = await fresh();
    const unknown = bind(sim, sessionId, 'unknown-router');
    await unknown.html('GET', `/api/${kind}/`, 500);
    await unknown.html('POST', `/api/${kind}/add`, 500, { body: { ip: '1.2.3.4' } });
    await unknown.html('POST', `/api/${kind}/remove`, 500, { body: { ip: '1.2.3.4' } });
    expect(await client.data('GET', `/api/${kind}/`)).toEqual([]);
  });
});

describe('IPv4 pattern', () => {
  it('accepts every dotted quad, with or without leading zeros', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.boolean(), (ip, pad) => {
        const text = pad
          ? ip
              .split('.')
              .map((o) => o.padStart(3, '0'))
              .join('.')
          : ip;
        return IPV4_PATTERN.test(text) && IPV4_PATTERN.test(`${text}\n`);
      }),
    );
  });

  it('rejects IPv6', () => {
    fc.assert(fc.property(fc.ipV6(), (ip) => !IPV4_PATTERN.test(ip)));
  });
});

describe('rates', () => {
  it('echoes the rate exactly and stores tc strings (whitelist integer form)', async () => {
    const { client, routerId } = await fresh();
    expect(await client.data('POST', '/api/whitelist/limit-rate', { body: { rate: 25 } })).toEqual({
      rate_mbps: 25,
    });
    expect(
      await client.data('POST', '/api/whitelist/full-rate', { body: { rate: ' 500 ' } }),
    ).toEqual({ rate_mbps: ' 500 ' });
    expect(sim.routerState(routerId).rates).toEqual({
      whitelist_full: '500mbit',
      whitelist_limited: '25mbit',
      blacklist_full: '1000mbit',
      blacklist_limited: '50mbit',
    });
    await client.data('POST', '/api/whitelist/limit-rate', { body: { rate: '12.5' } });
    expect(sim.routerState(routerId).rates.whitelist_limited).toBe('12.5mbit');
  });

  it('stores the blacklist rates in float form', async () => {
    const { client, routerId } = await fresh();
    expect(
      await client.data('POST', '/api/blacklist/limit-rate', { body: { rate: '50' } }),
    ).toEqual({
      rate_mbps: '50',
    });
    await client.data('POST', '/api/blacklist/full-rate', { body: { rate: 1e16 } });
    expect(sim.routerState(routerId).rates).toMatchObject({
      blacklist_limited: '50.0mbit',
      blacklist_full: '1e+16mbit',
    });
  });

  it('accepts NaN and infinity strings', async () => {
    const { client, routerId } = await fresh();
    expect(
      await client.data('POST', '/api/whitelist/limit-rate', { body: { rate: 'nan' } }),
    ).toEqual({
      rate_mbps: 'nan',
    });
    await client.data('POST', '/api/blacklist/limit-rate', { body: { rate: 'Infinity' } });
    expect(sim.routerState(routerId).rates).toMatchObject({
      whitelist_limited: 'nanmbit',
      blacklist_limited: 'infmbit',
    });
  });

  it('answers 400 for missing/0/""/false and COMMAND_FAILED for non-positive or unparseable', async () => {
    const { client } = await fresh();
    for (const kind of ['whitelist', 'blacklist']) {
      for (const body of [{}, { rate: 0 }, { rate: '' }, { rate: false }]) {
        await client.failure('POST', `/api/${kind}/limit-rate`, 400, 'BAD_REQUEST', { body });
      }
      for (const rate of ['1024kbit', -5, '0', '-inf', 'fast', [1], { a: 1 }]) {
        const message = await client.failure(
          'POST',
          `/api/${kind}/full-rate`,
          500,
          'COMMAND_FAILED',
          {
            body: { rate },
          },
        );
        expect(message).toBe('Command failed: Rate must be a positive number (Mbps)');
      }
    }
  });

  it('maps an unknown router to 503 on the whitelist and 500 on the blacklist', async () => {
    const { sessionId } = await fresh();
    const unknown = bind(sim, sessionId, 'unknown-router');
    for (const path of ['/api/whitelist/limit-rate', '/api/whitelist/full-rate']) {
      await unknown.failure('POST', path, 503, 'TUNNEL_OR_ROUTER_UNAVAILABLE', {
        body: { rate: 5 },
      });
    }
    await unknown.failure('POST', '/api/whitelist/mode', 503, 'TUNNEL_OR_ROUTER_UNAVAILABLE');
    await unknown.failure('DELETE', '/api/whitelist/mode', 503, 'TUNNEL_OR_ROUTER_UNAVAILABLE');
    for (const path of ['/api/blacklist/limit-rate', '/api/blacklist/full-rate']) {
      await unknown.failure('POST', path, 500, 'UNEXPECTED_SERVER_ERROR', { body: { rate: 5 } });
    }
    await unknown.failure('POST', '/api/blacklist/mode', 500, 'UNEXPECTED_SERVER_ERROR');
    await unknown.failure('DELETE', '/api/blacklist/mode', 500, 'UNEXPECTED_SERVER_ERROR');
  });
});

describe('modes', () => {
  it('activates one mode, tearing down the other, and reports already-active', async () => {
    const { client, routerId } = await fresh();
    expect(await client.data('POST', '/api/whitelist/mode')).toBe('Whitelist mode activated.');
    expect(await client.data('POST', '/api/whitelist/mode')).toBe(
      'Whitelist mode is already active.',
    );
    expect(await client.data('POST', '/api/blacklist/mode')).toBe('Blacklist mode activated.');
    expect(sim.routerState(routerId).activeMode).toBe('blacklist');
    expect(await client.data('POST', '/api/blacklist/mode')).toBe(
      'Blacklist mode is already active.',
    );
  });

  it('deactivates whichever mode is active from either DELETE route', async () => {
    const { client, routerId } = await fresh();
    await client.data('POST', '/api/blacklist/mode');
    expect(await client.data('DELETE', '/api/whitelist/mode')).toBe('Whitelist mode deactivated.');
    expect(sim.routerState(routerId).activeMode).toBe('none');
    expect(await client.data('DELETE', '/api/whitelist/mode')).toBe('Modes are already inactive.');
    await client.data('POST', '/api/whitelist/mode');
    expect(await client.data('DELETE', '/api/blacklist/mode')).toBe('Blacklist mode deactivated.');
    expect(await client.data('DELETE', '/api/blacklist/mode')).toBe('Modes are already inactive.');
  });

  it('/deactivate-all-modes removes the jumps but leaves active_mode stale', async () => {
    const { client, routerId } = await fresh();
    await client.data('POST', '/api/whitelist/add', { body: { ip: '192.168.1.2' } });
    await client.data('POST', '/api/whitelist/mode');
    const before = (await client.data('GET', '/mode-activation')) as {
      details: { active_mode: { mode: string }; forward_rules: { has_whitelist_jump: boolean } };
    };
    // Reports `none` from PREROUTING while the FORWARD jump is in place (§1.2.1).
    expect(before.details.active_mode.mode).toBe('none');
    expect(before.details.forward_rules.has_whitelist_jump).toBe(true);
    expect(await client.data('POST', '/deactivate-all-modes')).toEqual({
      message: 'All modes deactivated successfully',
      details: null,
    });
    expect(sim.routerState(routerId).activeMode).toBe('whitelist');
    const after = (await client.data('GET', '/mode-activation')) as typeof before;
    expect(after.details.forward_rules.has_whitelist_jump).toBe(false);
    expect(await client.data('POST', '/api/whitelist/mode')).toBe(
      'Whitelist mode is already active.',
    );
  });
});
