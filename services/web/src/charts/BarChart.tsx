// Horizontal SVG bars (by model, by user); each bar says its value.
import type { Point } from './LineChart';

const W = 640;
const ROW = 28;
const LABEL_W = 200;

export function BarChart({
  title,
  bars,
  format = (v) => String(v),
}: {
  title: string;
  bars: Point[];
  format?: (v: number) => string;
}) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const H = Math.max(ROW, bars.length * ROW) + 8;
  const barW = (v: number) => ((W - LABEL_W - 90) * v) / max;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {bars.length === 0 ? (
        <p className="empty">No data in this period.</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
          {bars.map((b, i) => (
            <g key={b.label} transform={`translate(0 ${i * ROW + 4})`}>
              <text className="axis" x={LABEL_W - 8} y={ROW / 2 + 4} textAnchor="end">
                {b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label}
              </text>
              <rect className="bar" x={LABEL_W} y={4} width={Math.max(1, barW(b.value))} height={ROW - 10} />
              <text className="axis" x={LABEL_W + barW(b.value) + 6} y={ROW / 2 + 4}>
                {format(b.value)}
              </text>
            </g>
          ))}
        </svg>
      )}
    </figure>
  );
}
