import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap, type Schemas } from '../../api/client';
import { Button, Empty, ErrorNotice, formatDateTime, formatRelative, Loading } from '../../ui';
import { routerKeys, useRouterContext } from './context';
import { DeviceHistory } from './usage/DeviceHistory';
import { deviceName, mibToBytes, PERIODS, type Period, type UsageBar } from './usage/model';
import { useDeviceNames } from './usage/names';
import { PeriodChoice } from './usage/PeriodChoice';
import { chartSummary, UsageChart, UsageLegend } from './usage/UsageChart';
import { UsageTable, type UsageRow } from './usage/UsageTable';

/** How many devices the chart shows; the table lists them all. */
const TOP = 8;

function totalOf(t: Schemas['DeviceTraffic']): number {
  return t.downloadMiB + t.uploadMiB;
}

function UsageReport({
  usage,
  names,
  period,
  selected,
  onHistory,
}: {
  usage: Schemas['RouterUsage'];
  names: ReturnType<typeof useDeviceNames>;
  period: Period;
  selected: string | null;
  onHistory: (mac: string, name: string) => void;
}) {
  const long = PERIODS.find((p) => p.value === period)?.long ?? period;
  const rows: UsageRow[] = [...usage.devices]
    .sort((a, b) => totalOf(b) - totalOf(a))
    .map((traffic) => ({ traffic, name: deviceName(traffic.mac, names) }));
  // Two "iphone-13"s: their addresses tell them apart (and their History buttons).
  const seen = new Map<string, number>();
  rows.forEach((r) => seen.set(r.name, (seen.get(r.name) ?? 0) + 1));
  rows.forEach((r) => {
    if ((seen.get(r.name) ?? 0) > 1) {
      r.name = `${r.name} (${r.traffic.ip})`;
    }
  });
  const reported = (
    <p className="muted small">
      As reported by the router{' '}
      <time dateTime={usage.reportedAt} title={formatDateTime(usage.reportedAt)}>
        {formatRelative(usage.reportedAt)}
      </time>{' '}
      ({formatDateTime(usage.reportedAt)}).
    </p>
  );
  if (rows.length === 0) {
    return (
      <>
        <Empty>
          <p>No device used the network {long}, or too little for the router to count.</p>
          <p>The router leaves out devices under 1 KB today, 1 MB a week and 10 MB a month.</p>
        </Empty>
        {reported}
      </>
    );
  }
  const bars: UsageBar[] = rows.slice(0, TOP).map(({ traffic, name }) => ({
    key: traffic.mac,
    label: name,
    download: mibToBytes(traffic.downloadMiB),
    upload: mibToBytes(traffic.uploadMiB),
  }));
  const chartTitle =
    rows.length > TOP ? `The ${TOP} heaviest devices ${long}` : `Traffic per device ${long}`;
  return (
    <>
      {reported}
      <section className="card usage-card" aria-labelledby="usage-chart-title">
        <h3 id="usage-chart-title">{chartTitle}</h3>
        <UsageLegend />
        <UsageChart bars={bars} summary={chartSummary(bars, `per device ${long}`)} />
      </section>
      <section aria-labelledby="usage-table-title">
        <h3 id="usage-table-title">
          All devices {long} ({rows.length})
        </h3>
        <UsageTable
          rows={rows}
          caption={`Download and upload per device ${long}, heaviest first`}
          selected={selected}
          onHistory={onHistory}
        />
      </section>
    </>
  );
}

/** Traffic per device for a period, from the router, as a chart and a table. */
export default function Usage() {
  const { routerId } = useRouterContext();
  const [period, setPeriod] = useState<Period>('current');
  const [selected, setSelected] = useState<{ mac: string; name: string } | null>(null);
  const names = useDeviceNames(routerId);
  const usage = useQuery({
    queryKey: [...routerKeys.usage(routerId), period],
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/routers/{routerId}/usage', {
          params: { path: { routerId }, query: { period } },
        }),
      ),
    // A router that did not answer is asked again when the person says so.
    retry: false,
  });
  return (
    <>
      <h2>Usage</h2>
      <PeriodChoice value={period} onChange={setPeriod} />
      {usage.isPending ? <Loading label="Asking the router for its traffic counters…" /> : null}
      {usage.isError ? (
        <>
          <ErrorNotice error={usage.error} title="The usage could not be read." />
          <Button busy={usage.isFetching} onClick={() => void usage.refetch()}>
            Try again
          </Button>
        </>
      ) : null}
      {usage.data ? (
        <UsageReport
          usage={usage.data}
          names={names}
          period={period}
          selected={selected?.mac ?? null}
          onHistory={(mac, name) => setSelected({ mac, name })}
        />
      ) : null}
      {selected ? (
        <DeviceHistory
          routerId={routerId}
          mac={selected.mac}
          name={selected.name}
          onClose={() => setSelected(null)}
        />
      ) : null}
    </>
  );
}
