import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { DeviceRow, type RowActions } from './DeviceRow';
import type { Device, DeviceSort, SortOrder } from './queries';

interface Column {
  label: string;
  className: string;
  sort?: DeviceSort;
}

const COLUMNS: Column[] = [
  { label: 'Name', className: 'col-name', sort: 'name' },
  { label: 'Hostname', className: 'col-host' },
  { label: 'IP address', className: 'col-ip', sort: 'ip' },
  { label: 'MAC address', className: 'col-mac', sort: 'mac' },
  { label: 'Vendor', className: 'col-vendor' },
  { label: 'Online', className: 'col-flag' },
  { label: 'Blocked', className: 'col-flag' },
  { label: 'List', className: 'col-list' },
  { label: 'Last seen', className: 'col-seen', sort: 'lastSeen' },
  { label: 'Actions', className: 'col-actions' },
];

/** A row's height before it is measured (one line of text and a small button). */
const ROW_ESTIMATE = 45;

interface DeviceTableProps extends RowActions {
  devices: Device[];
  sort: DeviceSort;
  order: SortOrder;
  onSort: (sort: DeviceSort) => void;
  highlighted: ReadonlySet<string>;
}

function SortHeader({
  column,
  sort,
  order,
  onSort,
}: {
  column: Column;
  sort: DeviceSort;
  order: SortOrder;
  onSort: (sort: DeviceSort) => void;
}) {
  if (!column.sort) {
    return (
      <th scope="col" className={column.className}>
        {column.label}
      </th>
    );
  }
  const active = column.sort === sort;
  const ariaSort = active ? (order === 'asc' ? 'ascending' : 'descending') : 'none';
  const key = column.sort;
  return (
    <th scope="col" className={column.className} aria-sort={ariaSort}>
      <button type="button" className="sort-button" onClick={() => onSort(key)}>
        {column.label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (order === 'asc' ? ' ▲' : ' ▼') : ' ↕'}
        </span>
      </button>
    </th>
  );
}

/**
 * The inventory as a real table whose body renders only the rows in view (plus a
 * few): a 1,000-device router scrolls and filters without a stall. Spacer rows keep
 * the scroll height; aria-rowcount and aria-rowindex tell assistive technology
 * where each rendered row sits in the whole.
 */
export function DeviceTable({
  devices,
  sort,
  order,
  onSort,
  highlighted,
  ...actions
}: DeviceTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The React Compiler is not used here; the virtualizer re-renders this component itself.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: devices.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    getItemKey: (index) => devices[index]?.id ?? index,
    overscan: 8,
    useFlushSync: false,
  });
  const rows = virtualizer.getVirtualItems();
  const before = rows[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (rows[rows.length - 1]?.end ?? 0);
  return (
    <div className="table-wrap devices-scroll" ref={scrollRef}>
      <table className="devices-table" aria-rowcount={devices.length + 1}>
        <caption className="visually-hidden">Devices on this router</caption>
        <thead>
          <tr aria-rowindex={1}>
            {COLUMNS.map((column) => (
              <SortHeader
                key={column.label}
                column={column}
                sort={sort}
                order={order}
                onSort={onSort}
              />
            ))}
          </tr>
        </thead>
        <tbody>
          {before > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={COLUMNS.length} style={{ height: before }} />
            </tr>
          ) : null}
          {rows.map((row) => {
            const device = devices[row.index]!;
            return (
              <DeviceRow
                key={row.key}
                ref={virtualizer.measureElement}
                index={row.index}
                device={device}
                isNew={highlighted.has(device.id)}
                {...actions}
              />
            );
          })}
          {after > 0 ? (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={COLUMNS.length} style={{ height: after }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
