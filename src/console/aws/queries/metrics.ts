/**
 * CloudWatch reads for the service's "Health and metrics" and the cluster's alarms: GetMetricData for a
 * service (AWS/ECS utilization with the cluster's reservation; AWS/ApplicationELB requests, response
 * time and healthy targets when it has a target group) over a range, and DescribeAlarms.
 */
import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricAlarm,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { cloudWatchClient } from '../cloudwatch';
import { elbv2Client } from '../elbv2';

/** The chart ranges, in seconds, with the period each reads at (AWS: 1-minute data past 3 hours). */
export const METRIC_RANGES = [
  { id: '1h', seconds: 3600, period: 10 },
  { id: '3h', seconds: 3 * 3600, period: 60 },
  { id: '12h', seconds: 12 * 3600, period: 300 },
  { id: '1d', seconds: 86400, period: 300 },
] as const;
export type MetricRange = (typeof METRIC_RANGES)[number]['id'];
/** A custom range: from and to, epoch seconds. */
export interface CustomRange {
  from: number;
  to: number;
}

/**
 * The period a custom range reads at: 10 s within the last 3 hours' spans of at most an hour (as the
 * 1 h range), else the smallest of 1 min, 5 min and 1 h that keeps a series within 1,440 points.
 */
export function customPeriod(range: CustomRange): number {
  const span = range.to - range.from;
  if (span <= 3600 && Date.now() / 1000 - range.from <= 3 * 3600) return 10;
  return [60, 300, 3600].find((p) => span / p <= 1440) ?? 86400;
}

/** Start, end (epoch seconds) and period of a range. */
export function rangeWindow(range: MetricRange | CustomRange): {
  start: number;
  end: number;
  period: number;
} {
  if (typeof range === 'object') {
    const period = customPeriod(range);
    return {
      start: Math.floor(range.from / period) * period,
      end: Math.ceil(range.to / period) * period,
      period,
    };
  }
  const r = METRIC_RANGES.find((x) => x.id === range) ?? METRIC_RANGES[0];
  const end = Math.ceil(Date.now() / 1000 / r.period) * r.period;
  return { start: end - r.seconds, end, period: r.period };
}

export interface MetricSeries {
  id: string;
  label: string;
  unit: string;
  timestamps: number[];
  values: number[];
}

export interface ServiceMetrics {
  series: Map<string, MetricSeries>;
  /** The load balancer dimensions found for the service's target group, if it has one. */
  loadBalanced: boolean;
  /** No datapoint at all in the range (an endpoint that publishes nothing, or a new service). */
  empty: boolean;
}

/** `arn:...:loadbalancer/app/name/id` -> `app/name/id`; `arn:...:targetgroup/name/id` -> `targetgroup/name/id`. */
export const lbDimension = (arn: string) =>
  arn.slice(arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
export const tgDimension = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

export function serviceMetricQueries(
  cluster: string,
  service: string,
  period: number,
  lb?: { targetGroupArn: string; loadBalancerArn: string },
): { query: MetricDataQuery; label: string; unit: string }[] {
  const byCluster = [{ Name: 'ClusterName', Value: cluster }];
  const byService = [...byCluster, { Name: 'ServiceName', Value: service }];
  const stat = (id: string, ns: string, name: string, dims: typeof byCluster, s: string) => ({
    Id: id,
    MetricStat: { Metric: { Namespace: ns, MetricName: name, Dimensions: dims }, Period: period, Stat: s },
  });
  const out = [
    {
      query: stat('cpu', 'AWS/ECS', 'CPUUtilization', byService, 'Average'),
      label: 'CPU utilization',
      unit: '%',
    },
    {
      query: stat('memory', 'AWS/ECS', 'MemoryUtilization', byService, 'Average'),
      label: 'Memory utilization',
      unit: '%',
    },
    {
      query: stat('cpuReservation', 'AWS/ECS', 'CPUReservation', byCluster, 'Average'),
      label: 'Cluster CPU reservation',
      unit: '%',
    },
    {
      query: stat('memoryReservation', 'AWS/ECS', 'MemoryReservation', byCluster, 'Average'),
      label: 'Cluster memory reservation',
      unit: '%',
    },
  ];
  if (lb) {
    const dims = [
      { Name: 'TargetGroup', Value: tgDimension(lb.targetGroupArn) },
      { Name: 'LoadBalancer', Value: lbDimension(lb.loadBalancerArn) },
    ];
    const ns = 'AWS/ApplicationELB';
    out.push(
      { query: stat('requests', ns, 'RequestCount', dims, 'Sum'), label: 'Requests', unit: 'count' },
      {
        query: stat('responseTime', ns, 'TargetResponseTime', dims, 'Average'),
        label: 'Response time',
        unit: 's',
      },
      {
        query: stat('healthy', ns, 'HealthyHostCount', dims, 'Minimum'),
        label: 'Healthy targets',
        unit: 'count',
      },
      {
        query: stat('unhealthy', ns, 'UnHealthyHostCount', dims, 'Maximum'),
        label: 'Unhealthy targets',
        unit: 'count',
      },
    );
  }
  return out;
}

async function fetchServiceMetrics(
  region: string,
  cluster: string,
  service: string,
  targetGroupArn: string | undefined,
  range: MetricRange | CustomRange,
): Promise<ServiceMetrics> {
  const r = rangeWindow(range);
  let lb: { targetGroupArn: string; loadBalancerArn: string } | undefined;
  if (targetGroupArn) {
    const tg = (
      await elbv2Client(region).send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] }))
    ).TargetGroups?.[0];
    const loadBalancerArn = tg?.LoadBalancerArns?.[0];
    if (loadBalancerArn) lb = { targetGroupArn, loadBalancerArn };
  }
  const queries = serviceMetricQueries(cluster, service, r.period, lb);
  const series = new Map<string, MetricSeries>();
  for (const q of queries)
    series.set(q.query.Id as string, {
      id: q.query.Id as string,
      label: q.label,
      unit: q.unit,
      timestamps: [],
      values: [],
    });
  let NextToken: string | undefined;
  let pages = 0;
  do {
    const out = await cloudWatchClient(region).send(
      new GetMetricDataCommand({
        StartTime: new Date(r.start * 1000),
        EndTime: new Date(r.end * 1000),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: queries.map((q) => q.query),
        NextToken,
      }),
    );
    for (const res of out.MetricDataResults ?? []) {
      const s = series.get(res.Id ?? '');
      if (!s) continue;
      s.timestamps.push(...(res.Timestamps ?? []).map((d) => d.getTime() / 1000));
      s.values.push(...(res.Values ?? []));
    }
    NextToken = out.NextToken;
  } while (NextToken && ++pages < 10);
  const empty = [...series.values()].every((s) => s.values.length === 0);
  return { series, loadBalanced: lb !== undefined, empty };
}

/** A service's metrics over a range, re-read every `liveMs` (false: not live). */
export function useServiceMetrics(
  cluster: string,
  service: string,
  targetGroupArn: string | undefined,
  range: MetricRange | CustomRange,
  liveMs: number | false,
) {
  const { region } = useRegion();
  return useQuery(
    queryOptions({
      queryKey: awsQueryKey(region, 'monitoring', 'GetMetricData', {
        cluster,
        service,
        targetGroupArn,
        range,
      }),
      queryFn: () => fetchServiceMetrics(region, cluster, service, targetGroupArn, range),
      refetchInterval: liveMs,
      refetchIntervalInBackground: false,
      placeholderData: keepPreviousData,
    }),
  );
}

/** Alarms by name (DescribeAlarms; at most 100 names a call). */
export function useAlarms(names: string[], pollMs: number | false) {
  const { region } = useRegion();
  return useQuery({
    queryKey: awsQueryKey(region, 'monitoring', 'DescribeAlarms', { names }),
    enabled: names.length > 0,
    queryFn: async (): Promise<MetricAlarm[]> =>
      (await cloudWatchClient(region).send(new DescribeAlarmsCommand({ AlarmNames: names.slice(0, 100) })))
        .MetricAlarms ?? [],
    refetchInterval: pollMs,
    refetchIntervalInBackground: false,
  });
}

/** Every metric alarm of the region (pages of 100) whose dimensions name the cluster. */
export function useClusterAlarms(cluster: string, pollMs: number | false) {
  const { region } = useRegion();
  return useQuery({
    queryKey: awsQueryKey(region, 'monitoring', 'DescribeAlarms', { cluster }),
    queryFn: async (): Promise<MetricAlarm[]> => {
      const all: MetricAlarm[] = [];
      let NextToken: string | undefined;
      let pages = 0;
      do {
        const out = await cloudWatchClient(region).send(
          new DescribeAlarmsCommand({ MaxRecords: 100, NextToken }),
        );
        all.push(...(out.MetricAlarms ?? []));
        NextToken = out.NextToken;
      } while (NextToken && ++pages < 20);
      return all.filter((a) =>
        [
          ...(a.Dimensions ?? []),
          ...(a.Metrics ?? []).flatMap((m) => m.MetricStat?.Metric?.Dimensions ?? []),
        ].some((d) => d.Name === 'ClusterName' && d.Value === cluster),
      );
    },
    refetchInterval: pollMs,
    refetchIntervalInBackground: false,
  });
}
