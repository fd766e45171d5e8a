/** Longest returnTo kept (the column's bound). */
const RETURN_TO_MAX = 2048;

/**
 * Where a sign-in may send the browser back to: a path on this server (one
 * leading '/', never '//' or '/\', which browsers read as another host), or a
 * URL on PUBLIC_URL, FRONTEND_URL or a CORS origin. Anything else is replaced by
 * the default (FRONTEND_URL, else '/'), so a crafted link cannot make this
 * server redirect a signed-in browser to a stranger's site.
 */
export class ReturnTargets {
  private readonly origins: Set<string>;
  readonly fallback: string;

  constructor(options: { publicUrl: string; frontendUrl: string | null; corsOrigins: string[] }) {
    const frontend = options.frontendUrl === null ? [] : [new URL(options.frontendUrl).origin];
    this.origins = new Set([
      new URL(options.publicUrl).origin,
      ...frontend,
      ...options.corsOrigins,
    ]);
    this.fallback = options.frontendUrl ?? '/';
  }

  /** `input` when it is an allowed target, else the default. */
  resolve(input: string | undefined): string {
    if (input === undefined || input.length > RETURN_TO_MAX) {
      return this.fallback;
    }
    if (input.startsWith('/')) {
      return /^\/[/\\]/.test(input) || /[\p{Cc}\\]/u.test(input) ? this.fallback : input;
    }
    try {
      const url = new URL(input);
      const web = url.protocol === 'https:' || url.protocol === 'http:';
      return web && this.origins.has(url.origin) && !url.username ? url.href : this.fallback;
    } catch {
      return this.fallback;
    }
  }

  /** `target` with `error=<code>` added to its query (a path stays a path). */
  static withError(target: string, code: string): string {
    return ReturnTargets.withParam(target, 'error', code);
  }

  /** `target` with `name=value` added to its query (relative targets stay relative). */
  static withParam(target: string, name: string, value: string): string {
    const relative = target.startsWith('/');
    const url = new URL(target, 'http://relative.invalid');
    url.searchParams.set(name, value);
    return relative ? `${url.pathname}${url.search}${url.hash}` : url.href;
  }
}
