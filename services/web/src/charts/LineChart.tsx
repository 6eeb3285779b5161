// A small SVG line chart for values per day, with its numbers also in a table for screen
// readers (the SVG is the picture, the table is the data).
export interface Point {
  label: string;
  value: number;
}

const W = 640;
const H = 200;
const PAD = { top: 12, right: 12, bottom: 28, left: 56 };

export function LineChart({
  title,
  points,
  format = (v) => String(v),
}: {
  title: string;
  points: Point[];
  format?: (v: number) => string;
}) {
  const max = Math.max(1, ...points.map((p) => p.value));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length <= 1 ? innerW / 2 : (i * innerW) / (points.length - 1));
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`)
    .join(' ');
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}, peak ${format(max)}`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} />
            <text className="axis" x={PAD.left - 6} y={y(max * f) + 4} textAnchor="end">
              {format(max * f)}
            </text>
          </g>
        ))}
        <path className="line" d={path} />
        {points.map((p, i) => (
          <circle key={p.label} className="dot" cx={x(i)} cy={y(p.value)} r={3}>
            <title>{`${p.label}: ${format(p.value)}`}</title>
          </circle>
        ))}
        {points.map((p, i) =>
          i % labelEvery === 0 ? (
            <text key={p.label} className="axis" x={x(i)} y={H - 8} textAnchor="middle">
              {p.label.slice(5)}
            </text>
          ) : null,
        )}
      </svg>
    </figure>
  );
}
