/**
 * The cluster's capacity: per container instance, the CPU units and memory (MiB) its tasks reserve
 * against what it registered (DescribeContainerInstances: registered minus remaining), as uPlot bar
 * charts with the figures beside them, for the first 100 instances (one page; the Instances tab lists
 * them all). Loaded lazily with uPlot: the first page load does not carry it.
 */
import type { ContainerInstance } from '@aws-sdk/client-ecs';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useRegion } from '../../../aws/backend';
import { capacityPictureQuery, PICTURED_INSTANCES } from '../../../aws/queries/container-instances';
import { AXIS_STROKE, yAxisSize, chartWidth, useChartWidth } from '../../../lib/chart-width';

export interface InstanceCapacity {
  id: string;
  cpu: { registered: number; reserved: number };
  memory: { registered: number; reserved: number };
}

const amount = (list: ContainerInstance['registeredResources'], name: string) =>
  list?.find((r) => r.name === name)?.integerValue ?? 0;

/** Registered and reserved (registered minus remaining) CPU and memory of each active instance. */
export function instanceCapacity(instances: ContainerInstance[]): InstanceCapacity[] {
  return instances
    .filter((i) => i.status !== 'INACTIVE')
    .map((i) => {
      const figure = (name: string) => {
        const registered = amount(i.registeredResources, name);
        return { registered, reserved: Math.max(0, registered - amount(i.remainingResources, name)) };
      };
      return {
        id: i.ec2InstanceId ?? i.containerInstanceArn?.split('/').at(-1) ?? '?',
        cpu: figure('CPU'),
        memory: figure('MEMORY'),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Past this many instances the figures per instance fold into a disclosure, so the tabs stay near
 * the top of the page.
 */
const NAMED_BARS = 12;
/**
 * The room an instance id takes under its bar. With less per bar the ids would run together into
 * a band, so none is written: hovering a bar names it in the legend.
 */
const ID_WIDTH_PX = 140;

function CapacityBars({
  title,
  unit,
  rows,
  pick,
  testId,
}: {
  title: string;
  unit: string;
  rows: InstanceCapacity[];
  pick: (r: InstanceCapacity) => { registered: number; reserved: number };
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const ids = rows.map((r) => r.id);
  const data: uPlot.AlignedData = [
    rows.map((_, i) => i),
    rows.map((r) => pick(r).registered),
    rows.map((r) => pick(r).reserved),
  ];
  const shape = ids.join('|');
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    plot.current?.destroy();
    const bars = uPlot.paths.bars?.({ size: [0.35, 40], align: 0 });
    const names = shape.split('|');
    plot.current = new uPlot(
      {
        width: chartWidth(el),
        height: 170,
        // Instances at 0..n-1, each centred in its slot; the y axis from 0.
        scales: {
          x: { time: false, auto: false, range: [-0.5, names.length - 0.5] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        },
        series: [
          { label: 'Instance', value: (_u, i) => (i === null ? '--' : (names[i] ?? '')) },
          {
            label: `registered (${unit})`,
            stroke: '#94a3b8',
            fill: '#94a3b866',
            paths: bars,
            points: { show: false },
          },
          {
            label: `reserved (${unit})`,
            stroke: '#2563eb',
            fill: '#2563eb99',
            paths: bars,
            points: { show: false },
          },
        ],
        axes: [
          {
            stroke: AXIS_STROKE,
            // An instance id (i- and 17 hex digits) needs about 140 px: fewer bars named than run together.
            splits: (u) => (u.width / names.length < ID_WIDTH_PX ? [] : names.map((_, i) => i)),
            values: (_u, splits) => splits.map((i) => names[i] ?? ''),
          },
          { size: yAxisSize, stroke: AXIS_STROKE },
        ],
        legend: { show: true },
      },
      data,
      el,
    );
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // A new chart when the set of instances changes; new figures go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, unit]);
  useChartWidth(box, plot, 170);
  const figures = (
    <ul className="mt-1 text-xs text-slate-600 tabular-nums dark:text-slate-400">
      {rows.map((r) => (
        <li key={r.id} data-testid={`${testId}-instance`}>
          {r.id}: {pick(r).reserved} of {pick(r).registered} {unit} reserved
        </li>
      ))}
    </ul>
  );
  useEffect(() => {
    plot.current?.setData(data);
  });
  return (
    <figure
      className="min-w-0 rounded border border-slate-200 p-2 dark:border-slate-700"
      data-testid={testId}
    >
      <figcaption className="mb-1 text-sm font-medium">{title}</figcaption>
      <div ref={box} className="overflow-hidden" />
      {rows.length > NAMED_BARS ? (
        <details className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          <summary className="cursor-pointer">Figures for each of the {rows.length} instances</summary>
          {figures}
        </details>
      ) : (
        figures
      )}
    </figure>
  );
}

export default function ClusterCapacity({
  cluster,
  registered,
}: {
  cluster: string;
  /** The cluster's registered instances (DescribeClusters), said when the picture shows fewer. */
  registered?: number;
}) {
  const { region } = useRegion();
  const picture = useQuery(capacityPictureQuery(region, cluster));
  if (!picture.data) return null;
  const rows = instanceCapacity(picture.data.instances);
  return (
    <section className="mb-6" aria-labelledby="cluster-capacity" data-testid="cluster-capacity">
      <h2 id="cluster-capacity" className="mb-2 text-lg font-semibold">
        Capacity
      </h2>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No container instance is registered: tasks of the EC2 launch type have nowhere to run.
        </p>
      ) : (
        <>
          {picture.data.more && (
            <p className="mb-2 text-sm text-slate-600 dark:text-slate-400" data-testid="capacity-partial">
              The first {PICTURED_INSTANCES} container instances
              {registered !== undefined ? ` of ${registered.toLocaleString('en-US')}` : ''}, in the order
              ListContainerInstances gives them; the Instances tab lists them all.
            </p>
          )}
          <div className="grid gap-3 md:grid-cols-2">
            <CapacityBars
              title="CPU reserved against registered, per instance"
              unit="CPU units"
              rows={rows}
              pick={(r) => r.cpu}
              testId="capacity-cpu"
            />
            <CapacityBars
              title="Memory reserved against registered, per instance"
              unit="MiB"
              rows={rows}
              pick={(r) => r.memory}
              testId="capacity-memory"
            />
          </div>
        </>
      )}
    </section>
  );
}
