import type { ReactNode } from 'react';
import { describeError } from '../api/errors';

/** An error from the API as a sentence, the fields it names, and its own words beneath. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) {
    return null;
  }
  const text = describeError(error);
  return (
    <div className="notice error" role="alert">
      {title ? (
        <p>
          <strong>{title}</strong>
        </p>
      ) : null}
      <p>{text.sentence}</p>
      {text.fields.length > 0 ? (
        <ul>
          {text.fields.map((f) => (
            <li key={`${f.field}:${f.message}`}>
              {fieldName(f.field)}: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {text.routerWords ? <p>The router said: “{text.routerWords}”</p> : null}
      {text.details ? <p className="details">Details: {text.details}</p> : null}
    </div>
  );
}

/** `body.newPassword` → `new password`: the API's field path in words. */
function fieldName(path: string): string {
  const last = path.split('.').pop() ?? path;
  return last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export function Notice({ tone = 'ok', children }: { tone?: 'ok' | 'warn'; children: ReactNode }) {
  return (
    <div className={`notice ${tone}`} role="status">
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p role="status" className="muted">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Badge({
  tone,
  children,
}: {
  tone?: 'ok' | 'danger' | 'warn' | 'accent';
  children: ReactNode;
}) {
  return <span className={`badge ${tone ?? ''}`}>{children}</span>;
}
