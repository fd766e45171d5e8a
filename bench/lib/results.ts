/** The result object (`--json`) and the table printed on stdout. */
import { cpus, totalmem } from 'node:os';

/** Every scenario has at least these; the rest is scenario-specific. */
export interface ScenarioResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  [key: string]: unknown;
}

export interface Goal {
  goal: string;
  value: number | null;
  met: boolean | null;
}

export interface BenchResults {
  date: string;
  machine: {
    cpus: number;
    cpu_model: string;
    memory_gb: number;
    node: string;
    platform: string;
    database: string;
    /**
     * 1-minute load average before the run started (others' work) and when it ended
     * (this run's own processes included).
     */
    loadavg_start: number;
    loadavg_end: number | null;
  };
  options: Record<string, unknown>;
  scenarios: Record<string, ScenarioResult>;
  ratios: Record<string, number>;
  goals: Record<string, Goal>;
  notes: string[];
}

export function newResults(
  database: string,
  loadavgStart: number,
  options: Record<string, unknown>,
): BenchResults {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    machine: {
      cpus: list.length,
      cpu_model: list[0]?.model ?? 'unknown',
      memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      database,
      loadavg_start: loadavgStart,
      loadavg_end: null,
    },
    options,
    scenarios: {},
    ratios: {},
    goals: {},
    notes: [],
  };
}

export const round = (n: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export function median(values: number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

function fmt(value: unknown): string {
  if (typeof value !== 'number') {
    return typeof value === 'string' ? value : '–';
  }
  if (!Number.isFinite(value)) {
    return '–';
  }
  if (Number.isInteger(value) || Math.abs(value) >= 1000) {
    return Math.round(value).toLocaleString('en-US');
  }
  if (Math.abs(value) >= 100) {
    return value.toFixed(0);
  }
  if (Math.abs(value) >= 10) {
    return value.toFixed(1);
  }
  return value.toFixed(2);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The human-readable report. */
export function renderReport(results: BenchResults): string {
  const m = results.machine;
  const out: string[] = [];
  out.push(
    `NetPilot benchmark — ${results.date}`,
    `${m.cpus} × ${m.cpu_model}, ${m.memory_gb} GiB, Node ${m.node}, ${m.platform}, ${m.database}`,
    `load average (1 min) at start ${m.loadavg_start}, at end ${m.loadavg_end ?? '–'}`,
    `options: ${JSON.stringify(results.options)}`,
    '',
  );
  const main = new Set(['rps', 'p50_ms', 'p99_ms', 'cpu_ms_per_req']);
  const rows = Object.entries(results.scenarios).map(([name, s]) => [
    name,
    fmt(s.rps),
    fmt(s.p50_ms),
    fmt(s.p99_ms),
    fmt(s.cpu_ms_per_req),
  ]);
  out.push(table(['scenario', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req'], rows), '');
  // Everything else a scenario measured, one scenario per paragraph.
  for (const [name, s] of Object.entries(results.scenarios)) {
    const extra = Object.entries(s)
      .filter(([k, v]) => !main.has(k) && (typeof v === 'number' || typeof v === 'string'))
      .map(([k, v]) => `${k}=${fmt(v)}`);
    if (extra.length > 0) {
      out.push(`${name}: ${extra.join(', ')}`);
    }
  }
  out.push('');
  out.push(
    table(
      ['ratio', 'value'],
      Object.entries(results.ratios).map(([k, v]) => [k, fmt(v)]),
    ),
    '',
  );
  out.push(
    table(
      ['goal', 'measured', 'met'],
      Object.values(results.goals).map((g) => [
        g.goal,
        fmt(g.value),
        g.met === null ? '–' : g.met ? 'yes' : 'NO',
      ]),
    ),
  );
  if (results.notes.length > 0) {
    out.push('', 'notes:', ...results.notes.map((n) => `- ${n}`));
  }
  return out.join('\n');
}
