import { area, curveMonotoneX, line } from 'd3-shape';
import { useMemo, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { chartScales, decimate, nearestIndex, type Margin, type XY } from './scales';
import { useWidth } from './useSize';

export interface Layer {
  id: string;
  label: string;
  kind: 'line' | 'area' | 'band';
  /** A Tailwind-independent colour (SVG fill/stroke), e.g. `#0d9488`. */
  color: string;
  points: XY[];
  dashed?: boolean;
  /** Left out of the hover read-out (decorative bands). */
  quiet?: boolean;
}

export interface Marker {
  x: number;
  y: number;
  label: string;
  color: string;
  shape: 'up' | 'down' | 'dot';
}

interface Props {
  layers: Layer[];
  markers?: Marker[];
  height?: number;
  time?: boolean;
  includeZero?: boolean;
  formatY: (v: number) => string;
  formatX: (x: number) => string;
  /** One sentence for screen readers: what the chart shows and its latest value. */
  description: string;
  testId?: string;
}

const MARGIN: Margin = { top: 12, right: 16, bottom: 28, left: 64 };

/**
 * Lines, areas and bands over time (or any x) with D3 scales and shapes, rendered by React.
 * Long series are decimated to about two points per pixel first, so ten years of daily data
 * draw and hover smoothly. Hover, or focus and use ←/→, to read values.
 */
export function XYChart({ layers, markers = [], height = 260, time = true, includeZero = false, formatY, formatX, description, testId }: Props) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);

  const drawn = useMemo(() => {
    const buckets = Math.max(50, Math.floor(width / 2));
    return layers.map((l) => ({ ...l, points: decimate(l.points, buckets) }));
  }, [layers, width]);

  const { x, y, innerWidth, innerHeight } = useMemo(
    () => chartScales(drawn.map((l) => l.points), { width, height, margin: MARGIN, time, includeZero }),
    [drawn, width, height, time, includeZero],
  );
  const sx = (v: number) => x(v);

  const reference = layers.find((l) => !l.quiet)?.points ?? layers[0]?.points ?? [];
  const hoverX = hover !== null ? reference[hover]?.x : undefined;

  const onPointer = (event: PointerEvent<SVGRectElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const px = event.clientX - box.left;
    const value = x.invert(px);
    setHover(nearestIndex(reference, value instanceof Date ? value.getTime() : value));
  };
  const onKey = (event: KeyboardEvent<SVGSVGElement>) => {
    if (reference.length === 0) return;
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault();
      const step = event.shiftKey ? 20 : 1;
      setHover((h) => {
        const current = h ?? reference.length - 1;
        return Math.max(0, Math.min(reference.length - 1, current + (event.key === 'ArrowLeft' ? -step : step)));
      });
    } else if (event.key === 'Escape') setHover(null);
  };

  const yTicks = y.ticks(5);
  const xTicks = (x.ticks as (n: number) => Array<number | Date>)(Math.max(2, Math.floor(innerWidth / 110)));

  return (
    <div ref={ref} className="relative w-full" data-testid={testId}>
      <svg
        className="chart block w-full overflow-visible text-slate-500 dark:text-slate-400"
        width={width}
        height={height}
        role="img"
        aria-label={description}
        tabIndex={0}
        onKeyDown={onKey}
        onBlur={() => setHover(null)}
      >
        <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
          {yTicks.map((t) => (
            <g key={t} transform={`translate(0,${y(t)})`}>
              <line x2={innerWidth} stroke="currentColor" strokeOpacity={t === 0 ? 0.5 : 0.15} />
              <text x={-8} dy="0.32em" textAnchor="end">
                {formatY(t)}
              </text>
            </g>
          ))}
          {xTicks.map((t) => {
            const v = t instanceof Date ? t.getTime() : t;
            return (
              <text key={v} x={sx(v)} y={innerHeight + 18} textAnchor="middle">
                {formatX(v)}
              </text>
            );
          })}
          {drawn.map((l) => {
            if (l.kind === 'line') {
              const d = line<XY>()
                .defined((p) => Number.isFinite(p.y))
                .x((p) => sx(p.x))
                .y((p) => y(p.y))
                .curve(curveMonotoneX)(l.points);
              return <path key={l.id} d={d ?? ''} fill="none" stroke={l.color} strokeWidth={2} strokeDasharray={l.dashed ? '5 4' : undefined} />;
            }
            const base = l.kind === 'area' ? Math.max(y.domain()[0] ?? 0, 0) : 0;
            const d = area<XY>()
              .defined((p) => Number.isFinite(p.y))
              .x((p) => sx(p.x))
              .y0((p) => y(l.kind === 'band' ? (p.y0 ?? p.y) : base))
              .y1((p) => y(p.y))
              .curve(curveMonotoneX)(l.points);
            return (
              <g key={l.id}>
                <path d={d ?? ''} fill={l.color} fillOpacity={l.kind === 'band' ? 0.22 : 0.18} />
                {l.kind === 'area' && (
                  <path
                    d={line<XY>().x((p) => sx(p.x)).y((p) => y(p.y)).curve(curveMonotoneX)(l.points) ?? ''}
                    fill="none"
                    stroke={l.color}
                    strokeWidth={2}
                  />
                )}
              </g>
            );
          })}
          {markers.map((m, i) => (
            <g key={i} transform={`translate(${sx(m.x)},${y(m.y)})`}>
              <title>{m.label}</title>
              {m.shape === 'dot' ? (
                <circle r={4} fill={m.color} />
              ) : (
                <path d={m.shape === 'up' ? 'M0,-8 L6,4 L-6,4 Z' : 'M0,8 L6,-4 L-6,-4 Z'} fill={m.color} stroke="white" strokeWidth={1} />
              )}
            </g>
          ))}
          {hoverX !== undefined && <line x1={sx(hoverX)} x2={sx(hoverX)} y2={innerHeight} stroke="currentColor" strokeOpacity={0.5} />}
          <rect
            width={innerWidth}
            height={innerHeight}
            fill="transparent"
            onPointerMove={onPointer}
            onPointerDown={onPointer}
            onPointerLeave={() => setHover(null)}
          />
        </g>
      </svg>
      {hoverX !== undefined && (
        <div
          className="pointer-events-none absolute top-0 z-10 rounded-md border border-slate-200 bg-white/95 px-2 py-1 text-xs shadow dark:border-slate-700 dark:bg-slate-800/95"
          style={{ left: Math.min(Math.max(0, MARGIN.left + sx(hoverX) + 8), Math.max(0, width - 180)) }}
          role="status"
        >
          <p className="font-medium">{formatX(hoverX)}</p>
          {layers
            .filter((l) => !l.quiet)
            .map((l) => {
              const p = l.points[nearestIndex(l.points, hoverX)];
              return (
                <p key={l.id} className="flex items-center gap-1">
                  <span className="inline-block size-2 rounded-full" style={{ background: l.color }} aria-hidden />
                  {l.label}: {p ? formatY(p.y) : '—'}
                </p>
              );
            })}
        </div>
      )}
      <ul className="mt-1 flex flex-wrap gap-3 text-xs text-slate-600 dark:text-slate-400">
        {layers
          .filter((l) => !l.quiet)
          .map((l) => (
            <li key={l.id} className="flex items-center gap-1">
              <span className="inline-block h-0.5 w-4" style={{ background: l.color }} aria-hidden />
              {l.label}
            </li>
          ))}
      </ul>
    </div>
  );
}
