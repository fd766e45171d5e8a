import { ConfirmDialog, ErrorNotice } from '../../../ui';
import { deviceLabel, type Device } from './queries';

interface BlockDialogProps {
  target: Device | null;
  busy: boolean;
  error: unknown;
  onConfirm: (device: Device) => void;
  onCancel: () => void;
}

/** "Block Kid’s tablet?": the question, and the router's refusal if it refuses. */
export function BlockDialog({ target, busy, error, onConfirm, onCancel }: BlockDialogProps) {
  const label = target ? deviceLabel(target) : '';
  return (
    <ConfirmDialog
      open={target !== null}
      title={`Block ${label}?`}
      confirmLabel="Block"
      danger
      busy={busy}
      onConfirm={() => {
        if (target) {
          onConfirm(target);
        }
      }}
      onCancel={onCancel}
    >
      <p>It loses network access until unblocked.</p>
      {target ? (
        <p className="muted small">
          IP address {target.ip}, MAC <code>{target.mac}</code>
        </p>
      ) : null}
      <ErrorNotice error={error} title={`${label} was not blocked.`} />
    </ConfirmDialog>
  );
}
