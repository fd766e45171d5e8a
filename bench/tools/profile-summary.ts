/**
 * Summarises V8 CPU profiles (`node --cpu-prof`): the functions with the most self
 * time, self time by package (our code, each node_modules package, Node internals,
 * garbage collection, idle), and the heaviest of our own functions by inclusive time.
 *
 *   npx tsx bench/tools/profile-summary.ts <file.cpuprofile | folder> [--top 25] [--window read]
 *
 * With `--window NAME`, only the samples taken while the load named NAME was being
 * measured count (windows.json, written by `npm run bench -- --profile`
 * next to the profile, says when each was measured): start-up, seeding and warm-ups
 * are left out. The profile's clock is matched to the wall clock by taking its first
 * sample as the moment the server was spawned, which is right within ~0.1 s.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: our source, a package, Node itself, or a V8 pseudo-frame. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') {
    // (garbage collector), (idle), (program), (root) and native builtins.
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) {
    return nm[1]!;
  }
  if (url.startsWith('node:')) {
    return 'node (internals)';
  }
  const ours = /\/(dist\/)?(src\/[^/]+)/.exec(url);
  if (ours) {
    return `ours: ${ours[2]}`;
  }
  return url;
}

function label(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') {
    return name;
  }
  const short = frame.url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, '')
    .replace(/.*\/(dist\/)?src\//, 'src/');
  return `${name} ${short}:${frame.lineNumber + 1}`;
}

function files(target: string): string[] {
  if (statSync(target).isDirectory()) {
    return readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f));
  }
  return [target];
}

interface Windows {
  serverSpawnedAt: number;
  windows: { name: string; from: number; to: number }[];
}

/** The [from, to) intervals (µs since the profile's first sample) to keep, or null for all. */
function intervalsFor(path: string, window: string | null): [number, number][] | null {
  if (window === null) {
    return null;
  }
  const file = join(dirname(path), 'windows.json');
  if (!existsSync(file)) {
    throw new Error(`--window needs ${file} (written by npm run bench -- --profile)`);
  }
  const data = JSON.parse(readFileSync(file, 'utf8')) as Windows;
  const picked = data.windows.filter((w) => w.name === window);
  if (picked.length === 0) {
    const names = [...new Set(data.windows.map((w) => w.name))];
    throw new Error(`no window named "${window}"; there are: ${names.join(', ')}`);
  }
  return picked.map((w) => [
    (w.from - data.serverSpawnedAt) * 1000,
    (w.to - data.serverSpawnedAt) * 1000,
  ]);
}

function summarise(path: string, top: number, window: string | null): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const intervals = intervalsFor(path, window);
  const selfUs = new Map<number, number>();
  let t = 0;
  let keptUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (intervals !== null && !intervals.some(([from, to]) => t >= from && t < to)) {
      return;
    }
    keptUs += delta;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const totalUs = intervals === null ? profile.endTime - profile.startTime : keptUs;
  const idleUs = profile.nodes
    .filter((n) => n.callFrame.functionName === '(idle)')
    .reduce((a, n) => a + (selfUs.get(n.id) ?? 0), 0);
  const busyUs = totalUs - idleUs;

  const bySelf = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0 || node.callFrame.functionName === '(idle)') {
      continue;
    }
    const key = label(node.callFrame);
    bySelf.set(key, (bySelf.get(key) ?? 0) + us);
    const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }

  // Inclusive time of our own functions, each counted once per stack (no double
  // counting through recursion).
  const inclusive = new Map<string, number>();
  const walk = (id: number, onStack: Set<string>): number => {
    const node = byId.get(id)!;
    let us = selfUs.get(id) ?? 0;
    const key = label(node.callFrame);
    const ours = packageOf(node.callFrame.url, node.callFrame.functionName).startsWith('ours:');
    const first = ours && !onStack.has(key);
    if (first) {
      onStack.add(key);
    }
    for (const child of node.children ?? []) {
      us += walk(child, onStack);
    }
    if (first) {
      onStack.delete(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
    return us;
  };
  const root = profile.nodes[0];
  if (root) {
    walk(root.id, new Set());
  }

  const pct = (us: number) => `${((100 * us) / busyUs).toFixed(1).padStart(5)} %`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const print = (title: string, map: Map<string, number>, n: number) => {
    console.log(`\n${title}`);
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .forEach(([k, us]) => console.log(`${ms(us)} ${pct(us)}  ${k}`));
  };
  console.log(`\n=== ${path}${window === null ? '' : ` (window: ${window})`}`);
  console.log(
    `wall ${(totalUs / 1e6).toFixed(1)} s, busy ${(busyUs / 1e6).toFixed(1)} s (${((100 * busyUs) / totalUs).toFixed(0)} %), idle ${(idleUs / 1e6).toFixed(1)} s; percentages are of busy time`,
  );
  print('self time by package', byPackage, top);
  print('top functions by self time', bySelf, top);
  print('our functions by inclusive time', inclusive, top);
}

function main(): void {
  const args = process.argv.slice(2);
  const topIndex = args.indexOf('--top');
  const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
  const windowIndex = args.indexOf('--window');
  const window = windowIndex >= 0 ? (args[windowIndex + 1] ?? null) : null;
  const flagged = new Set([topIndex, windowIndex].filter((i) => i >= 0).flatMap((i) => [i, i + 1]));
  const targets = args.filter((_, i) => !flagged.has(i));
  if (targets.length === 0) {
    console.error(
      'usage: profile-summary.ts <file.cpuprofile | folder> [--top 25] [--window read]',
    );
    process.exit(2);
  }
  for (const target of targets) {
    for (const file of files(target)) {
      summarise(file, top, window);
    }
  }
}

main();
