/**
 * What one password strength check costs on the event loop (it runs there,
 * synchronously, before argon2 hashes off it). Prints the one-time set-up (loading
 * and ranking the dictionaries), then per-check times: typical passwords, and the
 * worst of a few hundred adversarial strings (long runs of l33t characters, which
 * make zxcvbn try many readings). Each is the least of a few runs, elapsed and CPU
 * time: on an idle machine they agree; on a busy one the CPU time is the cost and the
 * elapsed time also counts waiting for a core.
 *
 *   npx tsx bench/tools/password-strength.ts
 */
import { performance } from 'node:perf_hooks';
import { estimatePasswordStrength } from '../../src/validation/password-strength.js';

const EMAIL = 'ada.lovelace-1815@example.com';

const TYPICAL = [
  'correct horse battery staple',
  'violet tractor ponders quietly',
  'password123',
  'p@ssw0rd',
  'Z7#kq!2mW9xL',
  'my-dog-ate-the-router-cable-2019',
  'Lovelace1815!',
];

/** A small seeded generator, so every run tries the same strings. */
function strings(count: number, length: number, alphabets: string[]): string[] {
  let seed = 20_240_601;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const out: string[] = ['a1!'.repeat(43), '1'.repeat(128), '4@'.repeat(64), 'p@ssw0rd'.repeat(16)];
  for (let i = 0; i < count; i += 1) {
    const alphabet = alphabets[i % alphabets.length]!;
    out.push(Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
  }
  return out;
}

const ADVERSARIAL = strings(300, 128, [
  '4@8({[<6|)3#9&1!|7^2n0$5+<>/%uv',
  '1!|il',
  'a1!e3o0s$',
  'aeios4@310$5!',
]);

interface Cost {
  /** Elapsed time: what the event loop waits. */
  wallMs: number;
  /** This process's CPU time: the same on an idle machine, less disturbed on a busy one. */
  cpuMs: number;
}

/** The least of `runs` timings of one check (the run least disturbed by other work). */
function timeCheck(password: string, runs: number): Cost {
  const best = { wallMs: Number.POSITIVE_INFINITY, cpuMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < runs; i += 1) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    estimatePasswordStrength(password, EMAIL);
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    best.wallMs = Math.min(best.wallMs, wallMs);
    best.cpuMs = Math.min(best.cpuMs, (used.user + used.system) / 1000);
  }
  return best;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Median, p99 and max of one measure over many checks. */
function summary(costs: Cost[], key: keyof Cost): string {
  const sorted = costs.map((c) => c[key]).sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
  return `median ${ms(at(0.5))}, p99 ${ms(at(0.99))}, max ${ms(sorted.at(-1)!)}`;
}

const setupStart = performance.now();
estimatePasswordStrength('first check', EMAIL);
console.log(`set-up and first check: ${ms(performance.now() - setupStart)}`);

const typical = TYPICAL.map((password) => {
  const cost = timeCheck(password, 20);
  console.log(
    `${JSON.stringify(password).padEnd(36)} ${ms(cost.wallMs)} elapsed, ${ms(cost.cpuMs)} CPU`,
  );
  return cost;
});
console.log(`typical elapsed: ${summary(typical, 'wallMs')}; CPU: ${summary(typical, 'cpuMs')}`);

const adversarial = ADVERSARIAL.map((p) => timeCheck(p, 3));
console.log(`adversarial (${adversarial.length} strings of 128 characters)`);
console.log(`  elapsed: ${summary(adversarial, 'wallMs')}`);
console.log(`  CPU:     ${summary(adversarial, 'cpuMs')}`);
