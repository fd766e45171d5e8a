import { useId } from 'react';
import { formatBytes } from '../../../ui';
import type { UsageBar } from './model';
import { useWidth } from './useWidth';

const LABEL = 18;
const BAR = 12;
const GAP = 3;
const ROW = LABEL + BAR * 2 + GAP + 14;
const VALUE_ROOM = 84;

/** The two swatches, as in the chart: solid download, hatched upload. */
export function UsageLegend() {
  const id = useId();
  return (
    <ul className="usage-legend plain-list" aria-hidden="true">
      <li>
        <svg width="18" height="12">
          <rect className="usage-down" width="18" height="12" rx="2" />
        </svg>
        ↓ Download
      </li>
      <li>
        <svg width="18" height="12">
          <Hatch id={id} />
          <rect className="usage-up" fill={`url(#${id})`} width="18" height="12" rx="2" />
        </svg>
        ↑ Upload
      </li>
    </ul>
  );
}

function Hatch({ id }: { id: string }) {
  return (
    <defs>
      <pattern id={id} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect className="usage-up-bg" width="6" height="6" />
        <path className="usage-up-line" d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" />
      </pattern>
    </defs>
  );
}

/**
 * Horizontal bars, one pair per row (download solid, upload hatched), drawn at the
 * container's real width so text stays legible on a phone. The numbers are in a
 * table next to it; the SVG itself is one image with a summary.
 */
export function UsageChart({ bars, summary }: { bars: UsageBar[]; summary: string }) {
  const hatch = useId();
  const { ref, width } = useWidth<HTMLDivElement>();
  const max = Math.max(1, ...bars.map((b) => Math.max(b.download, b.upload)));
  const room = Math.max(40, width - VALUE_ROOM);
  const length = (bytes: number) => (bytes > 0 ? Math.max(2, (bytes / max) * room) : 0);
  const height = bars.length * ROW;
  return (
    <div ref={ref} className="usage-chart">
      <svg role="img" aria-label={summary} width={width} height={height}>
        <Hatch id={hatch} />
        {bars.map((bar, index) => {
          const top = index * ROW;
          const down = length(bar.download);
          const up = length(bar.upload);
          return (
            <g key={bar.key} transform={`translate(0 ${top})`}>
              <text className="usage-label" x="0" y={LABEL - 5}>
                {bar.label}
              </text>
              <rect className="usage-down" y={LABEL} width={down} height={BAR} rx="2" />
              <text className="usage-value" x={down + 6} y={LABEL + BAR - 2}>
                ↓ {formatBytes(bar.download)}
              </text>
              <rect
                className="usage-up"
                fill={`url(#${hatch})`}
                y={LABEL + BAR + GAP}
                width={up}
                height={BAR}
                rx="2"
              />
              <text className="usage-value" x={up + 6} y={LABEL + BAR * 2 + GAP - 2}>
                ↑ {formatBytes(bar.upload)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** "Downloads and uploads of 8 devices today; most: Kid’s tablet, 1.2 GB in total." */
export function chartSummary(bars: UsageBar[], what: string): string {
  const first = bars[0];
  if (!first) {
    return `No traffic ${what}.`;
  }
  const top = `most: ${first.label}, ${formatBytes(first.download + first.upload)} in total`;
  return `Bar chart of download and upload ${what}, ${bars.length} bars; ${top}. The numbers are in the table.`;
}
