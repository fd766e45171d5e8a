import { ApiError } from '../../../api/client';
import { describeError } from '../../../api/errors';

/** The router's own words in a failed router call's details (upstreamMessage), if any. */
export function routerWords(error: unknown): string | null {
  if (!(error instanceof ApiError) || typeof error.details !== 'object' || !error.details) {
    return null;
  }
  const words = (error.details as { upstreamMessage?: unknown }).upstreamMessage;
  return typeof words === 'string' && words.trim() ? words : null;
}

/**
 * An API error as a sentence (like ErrorNotice), with what the router itself
 * answered, when it said something, in the same alert.
 */
export function RouterErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) {
    return null;
  }
  const text = describeError(error);
  const words = routerWords(error);
  return (
    <div className="notice error" role="alert">
      {title ? (
        <p>
          <strong>{title}</strong>
        </p>
      ) : null}
      <p>{text.sentence}</p>
      {text.fields.map((f) => (
        <p key={`${f.field}:${f.message}`}>{f.message}</p>
      ))}
      {words ? (
        <p>
          The router said: <q>{words}</q>
        </p>
      ) : null}
      {text.details ? <p className="details">Details: {text.details}</p> : null}
    </div>
  );
}
