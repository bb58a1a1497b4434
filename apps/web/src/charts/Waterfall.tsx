import { scaleBand, scaleLinear } from 'd3-scale';
import { GAIN, LOSS } from './palette';
import { useWidth } from './useSize';

export interface Step {
  label: string;
  value: number;
  display: string;
}

/** Running-total bars: each step starts where the previous ended; the last bar is the total. */
export function waterfallBars(steps: Step[]): Array<Step & { start: number; end: number; total: boolean }> {
  let running = 0;
  const bars = steps.map((s) => {
    const start = running;
    running += s.value;
    return { ...s, start, end: running, total: false };
  });
  return [...bars, { label: 'Total', value: running, display: '', start: 0, end: running, total: true }];
}

export function Waterfall({ steps, totalDisplay, height = 240 }: { steps: Step[]; totalDisplay: string; height?: number }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const bars = waterfallBars(steps);
  const margin = { top: 16, right: 8, bottom: 28, left: 8 };
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const x = scaleBand<string>().domain(bars.map((b) => b.label)).range([0, innerW]).padding(0.25);
  const lo = Math.min(0, ...bars.map((b) => Math.min(b.start, b.end)));
  const hi = Math.max(0, ...bars.map((b) => Math.max(b.start, b.end)));
  const y = scaleLinear().domain(lo === hi ? [-1, 1] : [lo, hi]).range([innerH, 0]).nice();
  return (
    <div ref={ref} className="w-full">
      <svg className="chart text-slate-500 dark:text-slate-400" width={width} height={height} role="img" aria-label={`Attribution: ${steps.map((s) => `${s.label} ${s.display}`).join(', ')}, total ${totalDisplay}`}>
        <g transform={`translate(${margin.left},${margin.top})`}>
          <line x2={innerW} y1={y(0)} y2={y(0)} stroke="currentColor" strokeOpacity={0.4} />
          {bars.map((b) => {
            const top = y(Math.max(b.start, b.end));
            const h = Math.max(1, Math.abs(y(b.start) - y(b.end)));
            const fill = b.total ? '#6366f1' : b.value >= 0 ? GAIN : LOSS;
            return (
              <g key={b.label} transform={`translate(${x(b.label) ?? 0},0)`}>
                <rect y={top} width={x.bandwidth()} height={h} fill={fill} rx={2}>
                  <title>{`${b.label}: ${b.total ? totalDisplay : b.display}`}</title>
                </rect>
                <text x={x.bandwidth() / 2} y={top - 4} textAnchor="middle">
                  {b.total ? totalDisplay : b.display}
                </text>
                <text x={x.bandwidth() / 2} y={innerH + 18} textAnchor="middle">
                  {b.label}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
    </div>
  );
}
