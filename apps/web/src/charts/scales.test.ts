import { describe, expect, it } from 'vitest';
import { chartScales, dayToX, decimate, nearestIndex, type XY } from './scales';
import { waterfallBars } from './Waterfall';

const margin = { top: 10, right: 10, bottom: 20, left: 40 };

describe('chart scales', () => {
  it('maps the first and last day to the edges of the plot area', () => {
    const points = [
      { x: dayToX('2024-01-01'), y: 100 },
      { x: dayToX('2024-12-31'), y: 150 },
    ];
    const { x, innerWidth, innerHeight, y } = chartScales([points], { width: 450, height: 230, margin });
    expect(innerWidth).toBe(400);
    expect(innerHeight).toBe(200);
    expect(x(points[0]!.x)).toBe(0);
    expect(x(points[1]!.x)).toBe(400);
    // y is padded and nice: both values sit inside the plot, higher values higher up.
    expect(y(100)).toBeLessThanOrEqual(200);
    expect(y(150)).toBeGreaterThanOrEqual(0);
    expect(y(150)).toBeLessThan(y(100));
  });

  it('covers the lower edge of bands and every series', () => {
    const band = [{ x: 0, y: 10, y0: -5 }];
    const line = [{ x: 1, y: 30 }];
    const { y } = chartScales([band, line], { width: 100, height: 100, margin, time: false });
    const [lo, hi] = y.domain() as [number, number];
    expect(lo).toBeLessThanOrEqual(-5);
    expect(hi).toBeGreaterThanOrEqual(30);
  });

  it('keeps zero on the axis when asked (returns, drawdowns)', () => {
    const { y } = chartScales([[{ x: 0, y: -0.3 }, { x: 1, y: -0.1 }]], { width: 100, height: 100, margin, time: false, includeZero: true });
    expect(y.domain()[1]).toBeGreaterThanOrEqual(0);
    expect(y.domain()[0]).toBeLessThanOrEqual(-0.3);
  });

  it('gives a usable domain for a flat or empty series', () => {
    const flat = chartScales([[{ x: 5, y: 7 }]], { width: 100, height: 100, margin, time: false });
    const [lo, hi] = flat.y.domain() as [number, number];
    expect(lo).toBeLessThan(7);
    expect(hi).toBeGreaterThan(7);
    expect(flat.x.domain()[0]).not.toEqual(flat.x.domain()[1]);
    const empty = chartScales([], { width: 100, height: 100, margin });
    expect(Number.isFinite(empty.y(0))).toBe(true);
  });
});

describe('decimating long series', () => {
  const tenYears: XY[] = Array.from({ length: 3653 }, (_, i) => ({ x: i * 86_400_000, y: 100 + Math.sin(i / 30) * 10 + (i === 1234 ? -80 : 0) + (i === 2345 ? 90 : 0) }));

  it('draws ten years of daily values with a few hundred points', () => {
    const out = decimate(tenYears, 200);
    expect(out.length).toBeLessThanOrEqual(800);
    expect(out.length).toBeGreaterThan(200);
  });

  it('keeps the first, the last, the lowest and the highest point', () => {
    const out = decimate(tenYears, 200);
    expect(out[0]).toEqual(tenYears[0]);
    expect(out[out.length - 1]).toEqual(tenYears[tenYears.length - 1]);
    expect(Math.min(...out.map((p) => p.y))).toBe(Math.min(...tenYears.map((p) => p.y)));
    expect(Math.max(...out.map((p) => p.y))).toBe(Math.max(...tenYears.map((p) => p.y)));
  });

  it('keeps points in x order and leaves short series alone', () => {
    const out = decimate(tenYears, 100);
    for (let i = 1; i < out.length; i++) expect(out[i]!.x).toBeGreaterThan(out[i - 1]!.x);
    const short = tenYears.slice(0, 50);
    expect(decimate(short, 100)).toEqual(short);
  });
});

describe('finding the hovered point', () => {
  const pts = [0, 10, 20, 30].map((x) => ({ x, y: x }));
  it('returns the nearest index', () => {
    expect(nearestIndex(pts, -5)).toBe(0);
    expect(nearestIndex(pts, 14)).toBe(1);
    expect(nearestIndex(pts, 16)).toBe(2);
    expect(nearestIndex(pts, 99)).toBe(3);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});

describe('waterfall bars', () => {
  it('starts each step where the previous ended and ends with the total', () => {
    const bars = waterfallBars([
      { label: 'Price', value: 100, display: '' },
      { label: 'Income', value: 20, display: '' },
      { label: 'Fees', value: -5, display: '' },
    ]);
    expect(bars.map((b) => [b.start, b.end])).toEqual([
      [0, 100],
      [100, 120],
      [120, 115],
      [0, 115],
    ]);
    expect(bars[3]!.total).toBe(true);
  });
});
