import { Empty, ErrorNotice, Loading, Notice } from '../../ui';
import { useRouterContext } from './context';
import { BlockDialog } from './devices/BlockDialog';
import { DeviceTable } from './devices/DeviceTable';
import { Filters } from './devices/Filters';
import { useDevices, type Device } from './devices/queries';
import { useDeviceQuery } from './devices/useDeviceQuery';
import { ScanPanel } from './devices/ScanPanel';
import { useBlocking, type BlockOutcome } from './devices/useBlocking';
import { useScan } from './devices/useScan';

const NO_HIGHLIGHT: ReadonlySet<string> = new Set();

function OutcomeNotice({ outcome }: { outcome: BlockOutcome | null }) {
  if (!outcome) {
    return null;
  }
  if (outcome.kind === 'failed') {
    return <ErrorNotice error={outcome.error} title={outcome.title} />;
  }
  return (
    <>
      <Notice>{outcome.text}</Notice>
      {outcome.warning ? <Notice tone="warn">{outcome.warning}</Notice> : null}
    </>
  );
}

function countText(devices: Device[], filtered: boolean): string {
  const n = devices.length;
  const noun = n === 1 ? 'device' : 'devices';
  return filtered ? `${n} ${noun} ${n === 1 ? 'matches' : 'match'}` : `${n} ${noun}`;
}

/** The router's home: its device inventory, a scan, renaming and blocking. */
export default function Devices() {
  const { routerId, router } = useRouterContext();
  const view = useDeviceQuery();
  const devices = useDevices(routerId, view.query);
  const { scan, elapsed } = useScan(routerId);
  const blocking = useBlocking(routerId);
  const list = devices.data ?? [];
  return (
    <section aria-labelledby="devices-heading">
      <h2 id="devices-heading">Devices</h2>
      <ScanPanel
        lastScanAt={router.lastScanAt}
        running={scan.isPending}
        elapsed={elapsed}
        outcome={scan.data}
        error={scan.error}
        onScan={() => scan.mutate()}
      />
      <OutcomeNotice outcome={blocking.outcome} />
      <Filters
        search={view.search}
        onSearch={view.setSearch}
        online={view.query.online}
        onOnline={view.setOnline}
        blocked={view.query.blocked}
        onBlocked={view.setBlocked}
      />
      {devices.isPending ? <Loading label="Loading the devices…" /> : null}
      {devices.isError ? <ErrorNotice error={devices.error} /> : null}
      {devices.isSuccess ? (
        <p className="muted small device-count" role="status">
          {countText(list, view.filtered)}
          {devices.isPlaceholderData ? ' (updating…)' : ''}
        </p>
      ) : null}
      {devices.isSuccess && list.length === 0 ? (
        <Empty>
          {view.filtered ? (
            <p>No devices match this search and these filters.</p>
          ) : (
            <p>No devices yet — scan the network to find them.</p>
          )}
        </Empty>
      ) : null}
      {list.length > 0 ? (
        <DeviceTable
          devices={list}
          sort={view.query.sort}
          order={view.query.order}
          onSort={view.sortBy}
          highlighted={scan.data?.newIds ?? NO_HIGHLIGHT}
          onBlock={blocking.askBlock}
          onUnblock={(device) => blocking.unblock.mutate(device)}
          unblockingId={
            blocking.unblock.isPending ? (blocking.unblock.variables?.id ?? null) : null
          }
        />
      ) : null}
      <BlockDialog
        target={blocking.target}
        busy={blocking.block.isPending}
        error={blocking.block.error}
        onConfirm={(device) => blocking.block.mutate(device)}
        onCancel={blocking.cancelBlock}
      />
    </section>
  );
}
