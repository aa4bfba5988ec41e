/**
 * Charts (uPlot) draw on a canvas of a fixed width: this keeps it the width of its box, so a chart
 * made on a wide window never makes a narrow one scroll sideways.
 */
import { useEffect, type RefObject } from 'react';

/**
 * The colour of an axis' labels and ticks: uPlot's default (near black) cannot be read on the dark
 * theme's background; slate-400 reads on both.
 */
export const AXIS_STROKE = '#94a3b8';

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
