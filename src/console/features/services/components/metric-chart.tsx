/** A small time-series chart (uPlot, loaded only with the service's metrics). */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricSeries } from '../../../aws/queries/metrics';
import { AXIS_STROKE, yAxisSize, chartWidth, useChartWidth } from '../../../lib/chart-width';

const COLORS = ['#2563eb', '#94a3b8', '#dc2626', '#16a34a'];

/** Series on one time axis: the union of their timestamps, gaps where a series has no datapoint. */
export function alignSeries(series: MetricSeries[]): [number[], ...(number | null)[][]] {
  const times = [...new Set(series.flatMap((s) => s.timestamps))].sort((a, b) => a - b);
  const rows = series.map((s) => {
    const at = new Map(s.timestamps.map((t, i) => [t, s.values[i] as number]));
    return times.map((t) => at.get(t) ?? null);
  });
  return [times, ...rows];
}

export function MetricChart({
  title,
  series,
  testId,
}: {
  title: string;
  series: MetricSeries[];
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = alignSeries(series);
  const labels = series.map((s) => `${s.label} (${s.unit})`).join('|');
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    plot.current?.destroy();
    plot.current = new uPlot(
      {
        width: chartWidth(el),
        height: 160,
        series: [
          {},
          ...labels.split('|').map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2 })),
        ],
        axes: [{ stroke: AXIS_STROKE }, { size: yAxisSize, stroke: AXIS_STROKE }],
        legend: { show: true },
      },
      data as uPlot.AlignedData,
      el,
    );
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // A new chart only when the set of series changes; new data goes through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [labels]);
  useChartWidth(box, plot, 160);
  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  });
  const latest = series.map((s) => s.values.at(-1));
  return (
    <figure
      className="min-w-0 rounded border border-slate-200 p-2 dark:border-slate-700"
      data-testid={testId}
    >
      <figcaption className="mb-1 text-sm font-medium">
        {title}
        <span
          className="ml-2 font-normal text-slate-600 tabular-nums dark:text-slate-400"
          data-testid={`${testId}-latest`}
        >
          {latest[0] === undefined ? 'no data' : `latest ${latest[0].toFixed(1)} ${series[0]?.unit ?? ''}`}
        </span>
      </figcaption>
      <div ref={box} className="overflow-hidden" />
    </figure>
  );
}
