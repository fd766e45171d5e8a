import { Button, ErrorNotice, formatDateTime, formatRelative } from '../../../ui';
import type { ScanOutcome } from './useScan';

interface ScanPanelProps {
  lastScanAt: string | null;
  running: boolean;
  elapsed: number;
  outcome: ScanOutcome | undefined;
  error: unknown;
  onScan: () => void;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function ScanStatus({
  running,
  elapsed,
  outcome,
}: Pick<ScanPanelProps, 'running' | 'elapsed' | 'outcome'>) {
  if (running) {
    return (
      <p className="scan-progress">
        <span className="spinner" aria-hidden="true" /> Scanning the network…{' '}
        {plural(elapsed, 'second', 'seconds')} so far.
      </p>
    );
  }
  if (!outcome) {
    return null;
  }
  const fresh = outcome.newIds.size;
  return (
    <div className="notice ok">
      <p>
        <strong>
          {fresh === 0 ? 'No new devices' : plural(fresh, 'new device', 'new devices')}
        </strong>
        {' — '}the scan found {plural(outcome.found, 'device', 'devices')}
        {fresh > 0 ? '; the new ones are highlighted and marked “New”.' : '.'}
      </p>
    </div>
  );
}

/** The Scan network button, the scan's progress while it runs, and what it found. */
export function ScanPanel({
  lastScanAt,
  running,
  elapsed,
  outcome,
  error,
  onScan,
}: ScanPanelProps) {
  return (
    <>
      <div className="devices-head">
        <p className="muted small">
          Last scan:{' '}
          {lastScanAt ? (
            <time dateTime={lastScanAt} title={formatDateTime(lastScanAt)}>
              {formatRelative(lastScanAt)}
            </time>
          ) : (
            'never'
          )}
        </p>
        <Button variant="primary" busy={running} onClick={onScan}>
          Scan network
        </Button>
      </div>
      <div role="status" className="scan-status">
        <ScanStatus running={running} elapsed={elapsed} outcome={outcome} />
      </div>
      <ErrorNotice error={error} title="The scan did not finish." />
    </>
  );
}
