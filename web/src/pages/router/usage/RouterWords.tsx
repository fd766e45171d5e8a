/**
 * The router's own words about a failed call (the API's `details.upstreamMessage`),
 * shown under the sentence: "nlbwmon is not running" says more than a status code.
 */
export function routerWords(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('details' in error)) {
    return null;
  }
  const details: unknown = error.details;
  if (typeof details !== 'object' || details === null || !('upstreamMessage' in details)) {
    return null;
  }
  const words = details.upstreamMessage;
  return typeof words === 'string' && words.trim() !== '' ? words.trim() : null;
}

export function RouterWords({ error }: { error: unknown }) {
  const words = routerWords(error);
  return words ? <p className="muted small">The router said: “{words}”</p> : null;
}
