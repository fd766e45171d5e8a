import type { FastifyInstance } from 'fastify';

/** One sample of the app's /metrics (0 when the series has not appeared yet). */
export async function metricValue(
  app: FastifyInstance,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  return sampleOf(res.body, name, labels);
}

/** The value of `name{labels}` in a Prometheus text exposition, 0 when absent. */
export function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const prefix = wanted ? `${name}{${wanted}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line ? Number(line.slice(prefix.length)) : 0;
}

/**
 * The most attempts the login throttle lets reach argon2 for one key within
 * `elapsedMs`: the free ones at once (reservation is atomic: no attempt in
 * flight beyond them), then one per backoff step of 1 s, 2 s, 4 s, …
 */
export function attemptsAllowed(free: number, elapsedMs: number): number {
  return free + Math.floor(Math.log2(elapsedMs / 1000 + 1));
}
