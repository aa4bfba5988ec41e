import { describe, expect, it } from 'vitest';
import type uPlot from 'uplot';
import { yAxisSize } from './chart-width';

/** A chart as `yAxisSize` sees it: one y axis whose font draws every character 8 px wide. */
function chart(axis: Record<string, unknown> = {}) {
  const ctx = { font: '', measureText: (s: string) => ({ width: s.length * 8 }) };
  const y = { font: ['12px system-ui', 12], ticks: { size: 10 }, gap: 5, ...axis };
  return { u: { ctx, axes: [{}, y] } as unknown as uPlot, ctx };
}

describe('yAxisSize', () => {
  it('is as wide as the longest label, its tick and gap (a fixed 50 px cut "32,768")', () => {
    const { u, ctx } = chart();
    const size = (yAxisSize as Exclude<uPlot.Axis.Size, number>)(u, ['0', '10,000', '32,768'], 1, 0);
    expect(size).toBe(Math.max(50, 10 + 5 + 6 * 8));
    expect(size).toBeGreaterThan(50);
    expect(ctx.font).toBe('12px system-ui');
  });

  it('keeps 50 px for short labels, and the size uPlot has once the layout settles', () => {
    const { u } = chart({ _size: 77 });
    const size = yAxisSize as Exclude<uPlot.Axis.Size, number>;
    expect(size(u, ['0', '5'], 1, 0)).toBe(50);
    expect(size(u, ['0', '1,000,000,000'], 1, 2)).toBe(77);
  });
});
