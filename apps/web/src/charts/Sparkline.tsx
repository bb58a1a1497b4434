import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { GAIN, LOSS } from './palette';

/** A tiny trend line (holdings table): green when the last value is above the first. */
export function Sparkline({ values, width = 80, height = 24, label }: { values: number[]; width?: number; height?: number; label: string }) {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return <span className="text-xs text-slate-400">—</span>;
  const x = scaleLinear().domain([0, finite.length - 1]).range([1, width - 1]);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const y = scaleLinear().domain(lo === hi ? [lo - 1, hi + 1] : [lo, hi]).range([height - 2, 2]);
  const d = line<number>()
    .x((_, i) => x(i))
    .y((v) => y(v))(finite);
  const up = finite[finite.length - 1]! >= finite[0]!;
  return (
    <svg width={width} height={height} role="img" aria-label={label}>
      <path d={d ?? ''} fill="none" stroke={up ? GAIN : LOSS} strokeWidth={1.5} />
    </svg>
  );
}
