import type { Ref } from 'react';
import { Badge, Button, formatDateTime, formatRelative } from '../../../ui';
import { deviceLabel, type Device } from './queries';
import { RenameCell } from './RenameCell';

export interface RowActions {
  onBlock: (device: Device) => void;
  onUnblock: (device: Device) => void;
  /** The device whose unblock is under way, if any. */
  unblockingId: string | null;
}

interface DeviceRowProps extends RowActions {
  ref: Ref<HTMLTableRowElement>;
  index: number;
  device: Device;
  isNew: boolean;
}

function listOf(device: Device): string {
  if (device.whitelisted && device.blacklisted) {
    return 'Whitelist, blacklist';
  }
  if (device.whitelisted) {
    return 'Whitelist';
  }
  return device.blacklisted ? 'Blacklist' : '—';
}

function BlockAction({
  device,
  onBlock,
  onUnblock,
  unblockingId,
}: RowActions & { device: Device }) {
  const label = deviceLabel(device);
  if (!device.ip) {
    return <span className="muted small">No IP address to block</span>;
  }
  if (device.blocked) {
    return (
      <Button
        size="small"
        aria-label={`Unblock ${label}`}
        busy={unblockingId === device.id}
        onClick={() => onUnblock(device)}
      >
        Unblock
      </Button>
    );
  }
  return (
    <Button
      size="small"
      variant="danger"
      aria-label={`Block ${label}`}
      onClick={() => onBlock(device)}
    >
      Block
    </Button>
  );
}

/** One device: its names and addresses, flags, and what can be done to it. */
export function DeviceRow({ ref, index, device, isNew, ...actions }: DeviceRowProps) {
  return (
    <tr
      ref={ref}
      data-index={index}
      aria-rowindex={index + 2}
      className={isNew ? 'highlight' : undefined}
    >
      <td>
        <RenameCell device={device} isNew={isNew} />
      </td>
      <td className="clip" title={device.hostname ?? undefined}>
        {device.hostname ?? <span className="muted">—</span>}
      </td>
      <td>{device.ip ?? <span className="muted">none</span>}</td>
      <td>
        <code>{device.mac}</code>
      </td>
      <td className="clip" title={device.vendor ?? undefined}>
        {device.vendor ?? <span className="muted">unknown</span>}
      </td>
      <td>{device.online ? <Badge tone="ok">Online</Badge> : <Badge>Offline</Badge>}</td>
      <td>{device.blocked ? <Badge tone="danger">Blocked</Badge> : <span>No</span>}</td>
      <td>{listOf(device)}</td>
      <td>
        <time dateTime={device.lastSeen} title={formatDateTime(device.lastSeen)}>
          {formatRelative(device.lastSeen)}
        </time>
      </td>
      <td>
        <BlockAction device={device} {...actions} />
      </td>
    </tr>
  );
}
