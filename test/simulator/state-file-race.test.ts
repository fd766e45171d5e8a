/**
 * The router's state file is read, modified and written back with no lock
 * (contract §3, "Races"): concurrent changes lose updates. The simulator must keep
 * that behaviour, or a server that forgets to serialise list changes would pass
 * its tests against the simulator and lose entries against real routers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { startSession } from './helpers.js';

let sim: Simulator;
let counter = 0;

beforeAll(async () => {
  sim = await startSimulator();
});

afterAll(async () => {
  await sim.close();
});

/**
 * Runs a burst of concurrent changes on fresh routers until one loses an update.
 * Arrival times depend on the machine, so a single burst could in principle be
 * spread wider than the read-to-write gap; five bursts cannot all be.
 */
async function someBurstLosesAnUpdate(
  burst: (client: Awaited<ReturnType<typeof startSession>>, routerId: string) => Promise<boolean>,
): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    counter += 1;
    const routerId = `race-router-${counter}`;
    const client = await startSession(sim, `race-${counter}`, routerId);
    if (await burst(client, routerId)) {
      return true;
    }
  }
  return false;
}

it('concurrent adds all answer success, yet entries are lost, as on the real router', async () => {
  const lost = await someBurstLosesAnUpdate(async (client, routerId) => {
    const ips = Array.from({ length: 10 }, (_, i) => `10.9.0.${i + 1}`);
    const answers = await Promise.all(
      ips.map((ip) => client.data('POST', '/api/whitelist/add', { body: { ip } })),
    );
    expect(answers).toEqual(ips.map((ip) => `Device ${ip} added to whitelist.`));
    return sim.routerState(routerId).whitelist.length < ips.length;
  });
  expect(lost).toBe(true);
});

it('concurrent rate changes can lose one of them', async () => {
  const lost = await someBurstLosesAnUpdate(async (client, routerId) => {
    await Promise.all([
      client.data('POST', '/api/blacklist/limit-rate', { body: { rate: 7 } }),
      client.data('POST', '/api/blacklist/full-rate', { body: { rate: 70 } }),
    ]);
    const { rates } = sim.routerState(routerId);
    return rates.blacklist_limited !== '7.0mbit' || rates.blacklist_full !== '70.0mbit';
  });
  expect(lost).toBe(true);
});

it('sequential changes all land', async () => {
  const client = await startSession(sim, 'race-seq', 'race-router-seq');
  for (const ip of ['10.9.1.1', '10.9.1.2', '10.9.1.3']) {
    await client.data('POST', '/api/blacklist/add', { body: { ip } });
  }
  await client.data('POST', '/api/blacklist/limit-rate', { body: { rate: 7 } });
  await client.data('POST', '/api/blacklist/full-rate', { body: { rate: 70 } });
  const state = sim.routerState('race-router-seq');
  expect(state.blacklist).toEqual(['10.9.1.1', '10.9.1.2', '10.9.1.3']);
  expect(state.rates).toMatchObject({ blacklist_limited: '7.0mbit', blacklist_full: '70.0mbit' });
});
