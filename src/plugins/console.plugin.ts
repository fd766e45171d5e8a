import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export interface ConsoleOptions {
  /** The built console (web/dist): index.html, favicon.svg and assets/. */
  dir: string;
}

/**
 * The console's pages may load their own scripts, styles and images (the 2FA QR
 * code is a data: URL, a provider's profile picture an https one) and talk to this
 * origin only. Nothing inline: Vite emits no inline script.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The console's own pages (its client-side routes, web/src/app/App.tsx): a browser
 * opening or reloading one gets index.html. They are named rather than caught by a
 * '/*' wildcard, which would also catch what the router refuses under /api (an
 * over-long path segment is a 400, not a page). Anything else, and any request
 * that does not accept text/html, stays the API's enveloped 404; '/' is always
 * the console.
 */
const PAGES = ['/signin', '/signup', '/account', '/routers/*'];

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>NetPilot</title></head>
<body><main><h1>The web console is not built</h1>
<p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it), then reload.
The API is at <a href="/docs">/docs</a>.</p></main></body></html>
`;

async function readIndex(dir: string): Promise<string | null> {
  try {
    return await readFile(join(dir, 'index.html'), 'utf8');
  } catch {
    return null;
  }
}

/**
 * Serves the web console at '/': hashed assets cached for a year, and index.html
 * (read once, at start) for '/' and every client-side route, never cached, with
 * the page CSP. Unknown paths under the API, docs and health prefixes still
 * answer the enveloped 404. A missing build answers a page saying how to build it.
 */
async function consolePlugin(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const index = await readIndex(options.dir);
  if (index !== null) {
    await app.register(fastifyStatic, {
      root: join(options.dir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => {
        res.setHeader('content-security-policy', CONSOLE_CSP);
      },
    });
  }
  const favicon = await readFile(join(options.dir, 'favicon.svg')).catch(() => null);
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const browser = request.url === '/' || (request.headers.accept ?? '').includes('text/html');
    if (!browser) {
      return reply.callNotFound();
    }
    return reply
      .code(index === null ? 503 : 200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONSOLE_CSP)
      .send(index ?? NOT_BUILT);
  };
  for (const path of ['/', ...PAGES]) {
    app.get(path, { schema: { hide: true } }, page);
  }
  if (favicon) {
    app.get('/favicon.svg', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .header('content-type', 'image/svg+xml')
        .header('cache-control', 'public, max-age=86400')
        .send(favicon),
    );
  }
}

export default fp(consolePlugin, { name: 'console', fastify: '5.x' });
