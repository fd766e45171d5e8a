/**
 * `npm run dev`: the API server restarting on every change (tsx watch, port 8080 or
 * PORT) and the console served by Vite with hot reload at http://127.0.0.1:5173,
 * which proxies /api, /docs and /openapi.json to the server. The Vite origin is
 * added to CORS_ORIGINS so that the server's origin check (CSRF) lets the
 * console's changes through. Ctrl-C stops both.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const VITE_ORIGIN = 'http://127.0.0.1:5173';
const port = process.env.PORT ?? '8080';
const origins = [process.env.CORS_ORIGINS, VITE_ORIGIN].filter(Boolean).join(',');

function run(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
}

const children = [
  run('npx', ['tsx', 'watch', 'src/server.ts'], { CORS_ORIGINS: origins }),
  run('npx', ['vite', '--config', 'web/vite.config.ts'], {
    NETPILOT_API_URL: `http://127.0.0.1:${port}`,
  }),
];
console.log(`Console with hot reload: ${VITE_ORIGIN} (API on port ${port})`);

function stop(): void {
  for (const child of children) {
    child.kill('SIGTERM');
  }
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
for (const child of children) {
  child.once('exit', (code) => {
    stop();
    process.exitCode = code ?? 0;
  });
}
