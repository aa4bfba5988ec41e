/**
 * Charts (uPlot) draw on a canvas of a fixed width: this keeps it the width of its box, so a chart
 * made on a wide window never makes a narrow one scroll sideways.
 */
import { useEffect, type RefObject } from 'react';
import type uPlot from 'uplot';

/**
 * The colour of an axis' labels and ticks: uPlot's default (near black) cannot be read on the dark
 * theme's background; slate-400 reads on both.
 */
export const AXIS_STROKE = '#94a3b8';

/** The narrowest y axis (CSS px): short labels keep the plots of a page lined up. */
const MIN_Y_AXIS_PX = 50;

/**
 * A y axis as wide as its longest label (uPlot's `size`): a fixed 50 px cut "32,768" to "2,768".
 * uPlot asks again while the layout settles; after the first cycle the size it has is kept.
 */
export const yAxisSize: uPlot.Axis.Size = (u, values, axisIdx, cycleNum) => {
  const axis = u.axes[axisIdx] as (uPlot.Axis & { _size?: number; font?: unknown }) | undefined;
  if (!axis) return MIN_Y_AXIS_PX;
  if (cycleNum > 1 && axis._size) return axis._size;
  let longest = '';
  for (const v of values ?? []) if (v.length > longest.length) longest = v;
  let width = 0;
  if (longest) {
    // uPlot keeps the axis' font as [css font, size] once the chart is made.
    const font = Array.isArray(axis.font) ? (axis.font[0] as string) : axis.font;
    if (typeof font === 'string') u.ctx.font = font;
    width = u.ctx.measureText(longest).width / (globalThis.devicePixelRatio || 1);
  }
  return Math.max(MIN_Y_AXIS_PX, Math.ceil((axis.ticks?.size ?? 10) + (axis.gap ?? 5) + width));
};

/** The width a chart gets in its box (at least `min`, so axes stay readable). */
export const chartWidth = (el: HTMLElement, min = 240): number => Math.max(min, el.clientWidth || 360);

/** Resizes the chart to its box whenever the box changes width. */
export function useChartWidth(
  box: RefObject<HTMLElement | null>,
  plot: RefObject<{ setSize(size: { width: number; height: number }): void } | null>,
  height: number,
): void {
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => plot.current?.setSize({ width: chartWidth(el), height }));
    observer.observe(el);
    return () => observer.disconnect();
  }, [box, plot, height]);
}
