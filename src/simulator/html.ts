/**
 * Werkzeug's HTML pages (§2.3), as the pinned Werkzeug 3.1 writes them in non-debug
 * mode. Clients must cope with these instead of the envelope.
 */
import type { SimResponse } from './envelope.js';

const HTML_TYPE = 'text/html; charset=utf-8';

const PAGES: Record<number, { title: string; description: string }> = {
  400: {
    title: 'Bad Request',
    description: 'The browser (or proxy) sent a request that this server could not understand.',
  },
  404: {
    title: 'Not Found',
    description:
      'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  },
  405: {
    title: 'Method Not Allowed',
    description: 'The method is not allowed for the requested URL.',
  },
  415: {
    title: 'Unsupported Media Type',
    description:
      'Did not attempt to load JSON data because the request Content-Type was not &#39;application/json&#39;.',
  },
  500: {
    title: 'Internal Server Error',
    description:
      'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.',
  },
};

/** Thrown by handlers where Flask would raise an HTTPException or an uncaught error. */
export class HtmlError extends Error {
  constructor(
    readonly status: 400 | 404 | 405 | 415 | 500,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTML ${status}`);
    this.name = 'HtmlError';
  }
}

export function htmlPage(status: number, headers: Record<string, string> = {}): SimResponse {
  const page = PAGES[status] ?? PAGES[500];
  const title = page?.title ?? 'Internal Server Error';
  const body =
    `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n` +
    `<h1>${title}</h1>\n<p>${page?.description ?? ''}</p>\n`;
  return { kind: 'raw', status, headers: { 'Content-Type': HTML_TYPE, ...headers }, body };
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
}

/** werkzeug.utils.redirect's stub page, used for the strict-slash 308 (§2.2 step 6). */
export function redirectPage(location: string): SimResponse {
  const href = escapeHtml(location);
  const body =
    '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n' +
    `<p>You should be redirected automatically to the target URL: <a href="${href}">${href}</a>. If not, click the link.\n`;
  return {
    kind: 'raw',
    status: 308,
    headers: { 'Content-Type': HTML_TYPE, Location: location },
    body,
  };
}
