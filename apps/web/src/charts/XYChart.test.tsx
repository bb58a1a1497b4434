// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { dayToX } from './scales';
import { XYChart } from './XYChart';

afterEach(cleanup);

const days = Array.from({ length: 3650 }, (_, i) => ({ x: dayToX('2015-01-01') + i * 86_400_000, y: 1000 + i }));

describe('the time chart', () => {
  it('draws ten years of daily data as one decimated path per layer, with labelled axes', () => {
    const { container } = render(
      <XYChart
        layers={[{ id: 'v', label: 'Value', kind: 'line', color: '#000', points: days }]}
        formatY={(v) => `$${v}`}
        formatX={(x) => new Date(x).toISOString().slice(0, 4)}
        description="Value over ten years"
      />,
    );
    const svg = screen.getByRole('img', { name: 'Value over ten years' });
    expect(svg).toBeTruthy();
    const path = container.querySelector('path')!.getAttribute('d')!;
    // A monotone curve has one command per vertex: far fewer than 3650 after decimation.
    const vertices = (path.match(/[MLC]/g) ?? []).length;
    expect(vertices).toBeGreaterThan(50);
    expect(vertices).toBeLessThan(1400);
    expect(container.querySelectorAll('text').length).toBeGreaterThan(3);
  });

  it('reads values with the keyboard: arrow keys move along the series', () => {
    render(
      <XYChart
        layers={[{ id: 'v', label: 'Value', kind: 'line', color: '#000', points: days.slice(0, 3) }]}
        formatY={(v) => `v=${v}`}
        formatX={(x) => new Date(x).toISOString().slice(0, 10)}
        description="Short series"
      />,
    );
    const svg = screen.getByRole('img', { name: 'Short series' });
    fireEvent.keyDown(svg, { key: 'ArrowLeft' });
    expect(screen.getByRole('status').textContent).toContain('2015-01-02');
    expect(screen.getByRole('status').textContent).toContain('v=1001');
    fireEvent.keyDown(svg, { key: 'ArrowLeft' });
    expect(screen.getByRole('status').textContent).toContain('v=1000');
    fireEvent.keyDown(svg, { key: 'Escape' });
    expect(screen.queryByRole('status')).toBeNull();
  });
});
