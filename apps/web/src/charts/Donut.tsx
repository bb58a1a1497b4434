import { arc, pie, type PieArcDatum } from 'd3-shape';
import { useState } from 'react';
import { colorAt } from './palette';

export interface Slice {
  key: string;
  label: string;
  value: number;
  /** Shown in the legend (already formatted). */
  display: string;
  weight: number;
}

/** Allocation as a donut with a legend that doubles as the accessible table. */
export function Donut({ slices, formatWeight, centre }: { slices: Slice[]; formatWeight: (w: number) => string; centre: string }) {
  const [active, setActive] = useState<string | null>(null);
  const size = 180;
  const radius = size / 2;
  const arcs = pie<Slice>()
    .value((s) => Math.max(0, s.value))
    .sort(null)(slices);
  const shape = arc<PieArcDatum<Slice>>()
    .innerRadius(radius * 0.62)
    .outerRadius(radius - 2)
    .padAngle(0.01);
  return (
    <div className="flex flex-col items-center gap-4">
      <svg className="shrink-0" width={size} height={size} viewBox={`${-radius} ${-radius} ${size} ${size}`} role="img" aria-label={`Allocation: ${slices.map((s) => `${s.label} ${formatWeight(s.weight)}`).join(', ')}`}>
        {arcs.map((a, i) => (
          <path
            key={a.data.key}
            d={shape(a) ?? ''}
            fill={colorAt(i)}
            opacity={active && active !== a.data.key ? 0.35 : 1}
            onPointerEnter={() => setActive(a.data.key)}
            onPointerLeave={() => setActive(null)}
          >
            <title>{`${a.data.label}: ${a.data.display} (${formatWeight(a.data.weight)})`}</title>
          </path>
        ))}
        <text textAnchor="middle" dy="0.35em" className="fill-current text-sm font-semibold">
          {centre}
        </text>
      </svg>
      <table className="w-full text-sm">
        <tbody>
          {slices.map((s, i) => (
            <tr
              key={s.key}
              className={active === s.key ? 'bg-slate-100 dark:bg-slate-800' : ''}
              onPointerEnter={() => setActive(s.key)}
              onPointerLeave={() => setActive(null)}
            >
              <th scope="row" className="py-1 text-left font-normal">
                <span className="mr-2 inline-block size-2.5 rounded-sm" style={{ background: colorAt(i) }} aria-hidden />
                {s.label}
              </th>
              <td className="py-1 text-right tabular-nums">{s.display}</td>
              <td className="w-16 py-1 text-right tabular-nums text-slate-500 dark:text-slate-400">{formatWeight(s.weight)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
