import { useQueries, type UseQueryResult } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api, ApiError, unwrap, type Schemas } from '../../../api/client';
import { Button, ErrorNotice, formatBytes, formatDateTime, Loading } from '../../../ui';
import { routerKeys } from '../context';
import { mibToBytes, PERIODS, type UsageBar } from './model';
import { chartSummary, UsageChart, UsageLegend } from './UsageChart';

/** The router answers "Insufficient … usage data" when a device is under a period's threshold. */
function isTooLittle(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.code === 'ROUTER_COMMAND_FAILED' &&
    /insufficient/i.test(error.message)
  );
}

/** One device's traffic today, this week and this month (GET …/usage/{mac}). */
export function DeviceHistory({
  routerId,
  mac,
  name,
  onClose,
}: {
  routerId: string;
  mac: string;
  name: string;
  onClose: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [mac]);
  const results = useQueries({
    queries: PERIODS.map((p) => ({
      queryKey: [...routerKeys.usage(routerId), 'device', mac, p.value],
      queryFn: () =>
        unwrap(
          api.GET('/api/v1/routers/{routerId}/usage/{mac}', {
            params: { path: { routerId, mac }, query: { period: p.value } },
          }),
        ),
      retry: false,
    })),
  });
  const bars: UsageBar[] = [];
  PERIODS.forEach((p, i) => {
    const data = results[i]?.data;
    if (data) {
      const download = mibToBytes(data.downloadMiB);
      bars.push({ key: p.value, label: p.label, download, upload: mibToBytes(data.uploadMiB) });
    }
  });
  const failed = results.find((r) => r.isError && !isTooLittle(r.error));
  const reportedAt = results.find((r) => r.data)?.data?.reportedAt;
  return (
    <section className="card usage-history" aria-labelledby="usage-history">
      <div className="page-header">
        <h3 id="usage-history" ref={heading} tabIndex={-1}>
          History of {name}
        </h3>
        <Button size="small" onClick={onClose}>
          Close history
        </Button>
      </div>
      {results.some((r) => r.isPending) ? <Loading label={`Loading ${name}’s traffic…`} /> : null}
      <ErrorNotice error={failed?.error} />
      {bars.length > 0 ? (
        <>
          <UsageLegend />
          <UsageChart bars={bars} summary={chartSummary(bars, `of ${name} per period`)} />
        </>
      ) : null}
      <HistoryTable name={name} results={results} />
      {reportedAt ? (
        <p className="muted small">As reported by the router at {formatDateTime(reportedAt)}.</p>
      ) : null}
    </section>
  );
}

type Result = UseQueryResult<Schemas['DeviceUsage']> | undefined;

function HistoryTable({ name, results }: { name: string; results: Result[] }) {
  return (
    <div
      className="table-wrap usage-wrap"
      role="region"
      aria-label={`Traffic of ${name} per period`}
      tabIndex={0}
    >
      <table className="usage-table">
        <caption className="visually-hidden">Traffic of {name} per period</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col" className="num">
              Download
            </th>
            <th scope="col" className="num">
              Upload
            </th>
            <th scope="col" className="num usage-conn">
              Connections
            </th>
          </tr>
        </thead>
        <tbody>
          {PERIODS.map((p, i) => (
            <HistoryRow key={p.value} label={p.label} result={results[i]} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HistoryRow({ label, result }: { label: string; result: Result }) {
  const data = result?.data;
  let missing: string | null = null;
  if (!data) {
    if (result?.isError) {
      missing = isTooLittle(result.error)
        ? 'Too little traffic for the router to report'
        : 'Not available (see the error above)';
    } else {
      missing = 'Loading…';
    }
  }
  return (
    <tr>
      <th scope="row" className="usage-device">
        {label}
      </th>
      {data ? (
        <>
          <td className="num">{formatBytes(mibToBytes(data.downloadMiB))}</td>
          <td className="num">{formatBytes(mibToBytes(data.uploadMiB))}</td>
          <td className="num usage-conn">{data.connections.toLocaleString()}</td>
        </>
      ) : (
        <td colSpan={3} className="muted">
          {missing}
        </td>
      )}
    </tr>
  );
}
