/**
 * What one password strength check costs on the event loop (it runs there,
 * synchronously, before argon2 hashes off it). Prints the one-time set-up (loading
 * and ranking the dictionaries), then per-check times: typical passwords, and the
 * worst of a few hundred adversarial strings (long runs of l33t characters, which
 * make zxcvbn try many readings). Times are CPU-bound: run it on an idle machine.
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

/** The fastest of `runs` timings of one check, in milliseconds (least disturbed by others). */
function timeCheck(password: string, runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    estimatePasswordStrength(password, EMAIL);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

const setupStart = performance.now();
estimatePasswordStrength('first check', EMAIL);
console.log(`set-up and first check: ${ms(performance.now() - setupStart)}`);

for (const password of TYPICAL) {
  console.log(`${JSON.stringify(password).padEnd(36)} ${ms(timeCheck(password, 20))}`);
}
const typical = TYPICAL.map((p) => timeCheck(p, 20)).sort((a, b) => a - b);
console.log(`typical: median ${ms(percentile(typical, 0.5))}, max ${ms(typical.at(-1)!)}`);

const adversarial = ADVERSARIAL.map((p) => timeCheck(p, 3)).sort((a, b) => a - b);
console.log(
  `adversarial (${adversarial.length}, 128 characters): median ${ms(percentile(adversarial, 0.5))}, ` +
    `p99 ${ms(percentile(adversarial, 0.99))}, max ${ms(adversarial.at(-1)!)}`,
);
