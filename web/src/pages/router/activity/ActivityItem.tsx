import { ERROR_SENTENCES } from '../../../api/errors';
import { Badge, formatDateTime, formatRelative } from '../../../ui';
import { describeAction, type ActivityEvent } from './describe';

const OUTCOMES: Record<
  ActivityEvent['outcome'],
  { label: string; tone: 'ok' | 'danger' | 'warn' | undefined }
> = {
  succeeded: { label: 'Done', tone: 'ok' },
  failed: { label: 'Failed', tone: 'danger' },
  pending: { label: 'In progress', tone: 'warn' },
  unknown: { label: 'Outcome unknown', tone: 'warn' },
};

function duration(ms: number | null): string | null {
  if (ms === null) {
    return null;
  }
  return ms < 1000 ? `took ${ms} ms` : `took ${(ms / 1000).toFixed(1)} s`;
}

/** Why it failed, in words: the API's sentence for the code, and the code itself. */
function failure(event: ActivityEvent): string | null {
  if (event.outcome === 'unknown') {
    return 'The router’s answer was lost: the change may or may not have been made. Check the router’s state.';
  }
  if (event.outcome !== 'failed') {
    return null;
  }
  const code = event.errorCode ?? 'unknown error';
  return ERROR_SENTENCES[code] ?? `It failed with the error ${code}.`;
}

/** One entry of the timeline: what, who, when, how it ended. */
export function ActivityItem({ event, myId }: { event: ActivityEvent; myId: string | undefined }) {
  const who =
    event.actor === null
      ? 'A deleted account'
      : event.actor.userId === myId
        ? 'You'
        : (event.actor.email ?? 'A member');
  const outcome = OUTCOMES[event.outcome];
  const why = failure(event);
  const took = duration(event.durationMs);
  return (
    <li className={`activity-event ${event.outcome}`}>
      <div className="activity-head">
        <span className="activity-what">{describeAction(event)}</span>
        <Badge tone={outcome.tone}>{outcome.label}</Badge>
      </div>
      <p className="muted small">
        {who} ·{' '}
        <time dateTime={event.createdAt} title={formatDateTime(event.createdAt)}>
          {formatRelative(event.createdAt)}
        </time>
        <span className="activity-absolute"> ({formatDateTime(event.createdAt)})</span>
        {took ? ` · ${took}` : null}
      </p>
      {why ? (
        <p className="activity-why">
          {why}
          {event.errorCode ? <code className="small"> {event.errorCode}</code> : null}
        </p>
      ) : null}
    </li>
  );
}
