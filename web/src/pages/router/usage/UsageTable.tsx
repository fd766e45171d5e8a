import type { Schemas } from '../../../api/client';
import { Button, formatBytes } from '../../../ui';
import { mibToBytes } from './model';

export interface UsageRow {
  traffic: Schemas['DeviceTraffic'];
  name: string;
}

/** Every device the router reported for the period, heaviest first: the chart's numbers. */
export function UsageTable({
  rows,
  caption,
  selected,
  onHistory,
}: {
  rows: UsageRow[];
  caption: string;
  selected: string | null;
  onHistory: (mac: string, name: string) => void;
}) {
  return (
    <div className="table-wrap usage-wrap" role="region" aria-label={`${caption}`} tabIndex={0}>
      <table className="usage-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col" className="num">
              Download
            </th>
            <th scope="col" className="num">
              Upload
            </th>
            <th scope="col" className="num usage-total">
              Total
            </th>
            <th scope="col" className="num usage-conn">
              Connections
            </th>
            <th scope="col">
              <span className="visually-hidden">History</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ traffic, name }) => {
            const down = mibToBytes(traffic.downloadMiB);
            const up = mibToBytes(traffic.uploadMiB);
            return (
              <tr key={traffic.mac} className={selected === traffic.mac ? 'highlight' : undefined}>
                <th scope="row" className="usage-device">
                  {name}
                  <span className="muted small usage-address">
                    {traffic.ip}
                    {name !== traffic.mac ? (
                      <span className="usage-mac"> · {traffic.mac}</span>
                    ) : null}
                  </span>
                </th>
                <td className="num">{formatBytes(down)}</td>
                <td className="num">{formatBytes(up)}</td>
                <td className="num usage-total">{formatBytes(down + up)}</td>
                <td className="num usage-conn">{traffic.connections.toLocaleString()}</td>
                <td>
                  <Button
                    size="small"
                    aria-label={`History of ${name}`}
                    aria-pressed={selected === traffic.mac}
                    onClick={() => onHistory(traffic.mac, name)}
                  >
                    History
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
