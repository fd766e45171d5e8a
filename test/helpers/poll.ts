/**
 * Polls `check` until it returns true, or throws after `timeoutMs` naming what
 * it waited for. Tests use it instead of sleeping for a guessed duration.
 */
export async function pollUntil(
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      if (await check()) {
        return;
      }
      lastError = null;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
