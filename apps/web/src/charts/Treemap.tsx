import { hierarchy, treemap, treemapSquarify } from 'd3-hierarchy';
import { colorAt } from './palette';
import type { Slice } from './Donut';
import { useWidth } from './useSize';

/** Allocation as a squarified treemap: area = value. */
export function Treemap({ slices, formatWeight, height = 220 }: { slices: Slice[]; formatWeight: (w: number) => string; height?: number }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const root = hierarchy<{ children?: Slice[] } | Slice>({ children: slices.filter((s) => s.value > 0) }, (d) => ('children' in d ? d.children : undefined))
    .sum((d) => ('value' in d ? d.value : 0));
  const laid = treemap<{ children?: Slice[] } | Slice>().size([width, height]).paddingInner(2).tile(treemapSquarify)(root);
  return (
    <div ref={ref} className="w-full">
      <svg width={width} height={height} role="img" aria-label={`Allocation treemap: ${slices.map((s) => `${s.label} ${formatWeight(s.weight)}`).join(', ')}`}>
        {laid.leaves().map((leaf, i) => {
          const s = leaf.data as Slice;
          const w = leaf.x1 - leaf.x0;
          const h = leaf.y1 - leaf.y0;
          return (
            <g key={s.key} transform={`translate(${leaf.x0},${leaf.y0})`}>
              <rect width={w} height={h} fill={colorAt(i)} rx={3}>
                <title>{`${s.label}: ${s.display} (${formatWeight(s.weight)})`}</title>
              </rect>
              {w > 60 && h > 30 && (
                <text x={6} y={16} fill="white" fontSize={12} fontWeight={600}>
                  {s.label}
                  <tspan x={6} dy={14} fontWeight={400}>
                    {formatWeight(s.weight)}
                  </tspan>
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
