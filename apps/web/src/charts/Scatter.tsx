import { line } from 'd3-shape';
import { scaleLinear } from 'd3-scale';
import { useWidth } from './useSize';

export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
  color: string;
  r?: number;
}

/** Risk (x) against return (y): the efficient frontier as a line, assets and portfolios as dots. */
export function Scatter({ frontier, points, formatX, formatY, height = 300, description }: { frontier: Array<{ x: number; y: number }>; points: ScatterPoint[]; formatX: (v: number) => string; formatY: (v: number) => string; height?: number; description: string }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const margin = { top: 12, right: 16, bottom: 36, left: 56 };
  const innerW = width - margin.left - margin.right;
  const innerH = height - margin.top - margin.bottom;
  const xs = [...frontier.map((p) => p.x), ...points.map((p) => p.x), 0];
  const ys = [...frontier.map((p) => p.y), ...points.map((p) => p.y), 0];
  const x = scaleLinear().domain([Math.min(...xs), Math.max(...xs) * 1.05 || 1]).range([0, innerW]).nice();
  const y = scaleLinear().domain([Math.min(...ys), Math.max(...ys) * 1.05 || 1]).range([innerH, 0]).nice();
  const d = line<{ x: number; y: number }>().x((p) => x(p.x)).y((p) => y(p.y))(frontier);
  return (
    <div ref={ref} className="w-full">
      <svg className="chart text-slate-500 dark:text-slate-400" width={width} height={height} role="img" aria-label={description}>
        <g transform={`translate(${margin.left},${margin.top})`}>
          {y.ticks(5).map((t) => (
            <g key={t} transform={`translate(0,${y(t)})`}>
              <line x2={innerW} stroke="currentColor" strokeOpacity={0.15} />
              <text x={-6} dy="0.32em" textAnchor="end">{formatY(t)}</text>
            </g>
          ))}
          {x.ticks(5).map((t) => (
            <text key={t} x={x(t)} y={innerH + 16} textAnchor="middle">{formatX(t)}</text>
          ))}
          <text x={innerW / 2} y={innerH + 32} textAnchor="middle">Volatility (annual)</text>
          <path d={d ?? ''} fill="none" stroke="#0d9488" strokeWidth={2} />
          {points.map((p, i) => (
            <g key={p.label} transform={`translate(${x(p.x)},${y(p.y)})`}>
              <circle r={p.r ?? 5} fill={p.color} stroke="white" strokeWidth={1} />
              {/* Points often sit together (max Sharpe near min variance): stagger the labels. */}
              <text x={8} dy={`${0.32 + (i - (points.length - 1) / 2) * 1.2}em`} className="font-medium">
                {p.label}
              </text>
              <title>{`${p.label}: return ${formatY(p.y)}, volatility ${formatX(p.x)}`}</title>
            </g>
          ))}
        </g>
      </svg>
    </div>
  );
}
