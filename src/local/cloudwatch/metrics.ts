/**
 * Metrics: PutMetricData, GetMetricStatistics, GetMetricData (with metric math) and ListMetrics over
 * the metric store (store.ts).
 */
import type * as cw from '@aws-sdk/client-cloudwatch';
import type { Checked, Wire } from '../protocol/types';
import {
  dimensionsOf,
  fineResolution,
  invalidCombination,
  invalidValue,
  isStatistic,
  missingParameter,
  offsetToken,
  readOffset,
  sameDimensions,
  statValue,
  STATISTICS,
  validationError,
  validPeriod,
  type Scope,
  type StatisticName,
} from './common';
import { evaluate, parseExpression, references, type Series, type Value } from './math';
import type { Dimension, Stats } from './store';

/** CloudWatch's bounds on a datapoint's value (and 0). */
const MAX_MAGNITUDE = 1.174271e108;
const MIN_MAGNITUDE = 8.51592e-109;
const MAX_DATA_PER_PUT = 1000;
const MAX_VALUES_PER_DATUM = 150;
const TWO_WEEKS_S = 14 * 86400;
const TWO_HOURS_S = 2 * 3600;

function checkValue(v: number, field: string): void {
  const a = Math.abs(v);
  if (!Number.isFinite(v) || a > MAX_MAGNITUDE || (a !== 0 && a < MIN_MAGNITUDE))
    throw invalidValue(`The value ${v} for parameter ${field} is invalid.`);
}

/** PutMetricData: each datum folded into its bucket, all or nothing. */
export function putMetricData(s: Scope, input: Checked<cw.PutMetricDataInput>): Record<string, never> {
  const namespace = input.Namespace;
  if (!s.internal && /^AWS\//i.test(namespace))
    throw invalidValue(`The value ${namespace} for parameter Namespace is invalid.`);
  if (namespace.startsWith(':') || [...namespace].some((c) => c.charCodeAt(0) < 32))
    throw invalidValue(`The value ${namespace} for parameter Namespace is invalid.`);
  const data = input.MetricData ?? [];
  if (data.length > MAX_DATA_PER_PUT)
    throw invalidValue(`The collection MetricData must not have a size greater than ${MAX_DATA_PER_PUT}.`);
  const writes: { dims: Dimension[]; name: string; at: number; res: 1 | 60; unit: string; stats: Stats }[] =
    [];
  data.forEach((d, i) => {
    const field = `MetricData.member.${i + 1}`;
    const dims = dimensionsOf(d.Dimensions as Dimension[] | undefined, `${field}.Dimensions`);
    const at = d.Timestamp ?? s.now;
    if (at < s.now - TWO_WEEKS_S || at > s.now + TWO_HOURS_S)
      throw invalidValue(
        `The parameter ${field}.Timestamp must specify a time no more than two weeks in the past and no more than two hours in the future.`,
      );
    const res = d.StorageResolution ?? 60;
    if (res !== 1 && res !== 60)
      throw invalidValue(`The value ${res} for parameter ${field}.StorageResolution is invalid.`);
    const given = [d.Value !== undefined, d.StatisticValues !== undefined, d.Values !== undefined].filter(
      Boolean,
    );
    if (given.length > 1)
      throw invalidCombination(
        `The parameters ${field}.Value, ${field}.StatisticValues and ${field}.Values are mutually exclusive and you have specified more than one.`,
      );
    if (given.length === 0)
      throw missingParameter(
        `The parameter ${field}.Value, ${field}.StatisticValues or ${field}.Values is required.`,
      );
    let stats: Stats;
    if (d.Value !== undefined) {
      checkValue(d.Value, `${field}.Value`);
      stats = { count: 1, sum: d.Value, min: d.Value, max: d.Value };
    } else if (d.StatisticValues) {
      const sv = d.StatisticValues;
      for (const [k, v] of Object.entries(sv)) checkValue(v as number, `${field}.StatisticValues.${k}`);
      if (sv.SampleCount <= 0 || sv.Minimum > sv.Maximum)
        throw invalidValue(`The parameter ${field}.StatisticValues is invalid.`);
      stats = { count: sv.SampleCount, sum: sv.Sum, min: sv.Minimum, max: sv.Maximum };
    } else {
      const values = d.Values ?? [];
      const counts = d.Counts;
      if (values.length === 0 || values.length > MAX_VALUES_PER_DATUM)
        throw invalidValue(`The parameter ${field}.Values must hold 1 to ${MAX_VALUES_PER_DATUM} values.`);
      if (counts && counts.length !== values.length)
        throw invalidCombination(
          `The parameters ${field}.Values and ${field}.Counts must be of the same size.`,
        );
      stats = { count: 0, sum: 0, min: Infinity, max: -Infinity };
      values.forEach((v, j) => {
        checkValue(v, `${field}.Values.member.${j + 1}`);
        const n = counts ? (counts[j] as number) : 1;
        if (!Number.isFinite(n) || n <= 0) throw invalidValue(`The parameter ${field}.Counts is invalid.`);
        stats.count += n;
        stats.sum += v * n;
        stats.min = Math.min(stats.min, v);
        stats.max = Math.max(stats.max, v);
      });
    }
    writes.push({ dims, name: d.MetricName, at, res, unit: d.Unit ?? 'None', stats });
  });
  s.deps.db.tx(() => {
    for (const w of writes)
      s.store.put(
        { region: s.region, namespace, name: w.name, dimensions: w.dims },
        w.at,
        w.res,
        w.unit,
        w.stats,
      );
  });
  return {};
}

/** At most this many datapoints per GetMetricStatistics call. */
const MAX_STATISTICS_POINTS = 1440;

function checkRange(s: Scope, start: number, end: number, period: number): { start: number; end: number } {
  if (!(start < end)) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  if (!validPeriod(period, fineResolution(s)))
    throw invalidValue(
      'The parameter Period must be a multiple of 60 (or 1, 5, 10 or 30 for high-resolution metrics).',
    );
  return { start: Math.floor(start), end: Math.ceil(end) };
}

export function getMetricStatistics(
  s: Scope,
  input: Checked<cw.GetMetricStatisticsInput>,
): Wire<cw.GetMetricStatisticsOutput> {
  const stats = input.Statistics ?? [];
  if (stats.length && input.ExtendedStatistics?.length)
    throw invalidCombination('Must specify either Statistics or ExtendedStatistics, but not both.');
  if (input.ExtendedStatistics?.length)
    throw invalidValue('The local control plane keeps statistic sets, not percentiles: use Statistics.');
  if (!stats.length) throw missingParameter('Must specify either Statistics or ExtendedStatistics.');
  const range = checkRange(s, input.StartTime, input.EndTime, input.Period);
  const points = Math.ceil((range.end - range.start) / input.Period);
  if (points > MAX_STATISTICS_POINTS)
    throw invalidCombination(
      `You have requested up to ${points.toLocaleString('en-US')} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  const dims = dimensionsOf(input.Dimensions as Dimension[] | undefined, 'Dimensions');
  const series = s.store.find({
    region: s.region,
    namespace: input.Namespace,
    name: input.MetricName,
    dimensions: dims,
  });
  const Datapoints: Wire<cw.Datapoint>[] = [];
  if (series) {
    const unit = input.Unit;
    const units = unit ? [unit] : s.store.units(series.id, range.start, range.end);
    for (const p of s.store.periods(series.id, range.start, range.end, input.Period, unit)) {
      const dp: Wire<cw.Datapoint> = {
        Timestamp: p.at,
        Unit: (units.length === 1 ? units[0] : 'None') as cw.StandardUnit,
      };
      for (const st of stats) dp[st] = statValue(st, p);
      Datapoints.push(dp);
    }
  }
  return { Label: input.MetricName, Datapoints };
}

/** ListMetrics: 500 per page, metrics with data in the past two weeks (or three hours: RecentlyActive). */
export function listMetrics(s: Scope, input: Checked<cw.ListMetricsInput>): Wire<cw.ListMetricsOutput> {
  const filters = input.Dimensions ?? [];
  const since = s.now - (input.RecentlyActive === 'PT3H' ? 3 * 3600 : TWO_WEEKS_S);
  const all = s.store
    .list(s.region, input.Namespace, input.MetricName)
    .filter((m) => m.lastAt >= since)
    .filter((m) =>
      filters.every((f) =>
        m.dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)),
      ),
    );
  const offset = readOffset(input.NextToken);
  const page = all.slice(offset, offset + 500);
  return {
    Metrics: page.map((m) => ({ Namespace: m.namespace, MetricName: m.name, Dimensions: m.dimensions })),
    ...(offset + 500 < all.length && { NextToken: offsetToken(offset + 500) }),
  };
}

const MAX_QUERIES = 500;
const MAX_DATAPOINTS = 100_800;
const ID = /^[a-z][a-zA-Z0-9_]*$/;

/** The stored series a metric query reads (undefined: none yet), its statistic checked. */
function seriesOfStat(
  s: Scope,
  stat: Checked<cw.MetricStat>,
): { id: number; statistic: StatisticName } | undefined {
  const m = stat.Metric;
  const statistic = stat.Stat;
  if (!isStatistic(statistic))
    throw invalidValue(
      `The value ${statistic} for parameter Stat is invalid: the local control plane serves ${STATISTICS.join(', ')}.`,
    );
  const dims = dimensionsOf(m.Dimensions as Dimension[] | undefined, 'Dimensions');
  if (!m.Namespace || !m.MetricName)
    throw missingParameter('The parameters Namespace and MetricName are required.');
  const series = s.store.find({
    region: s.region,
    namespace: m.Namespace,
    name: m.MetricName,
    dimensions: dims,
  });
  return series && { id: series.id, statistic };
}

/** The datapoints of one metric query, by period, ascending. */
export function metricSeries(s: Scope, stat: Checked<cw.MetricStat>, start: number, end: number): Series {
  const series = seriesOfStat(s, stat);
  if (!series) return { timestamps: [], values: [] };
  return s.store.statistic(series.id, start, end, stat.Period, series.statistic, stat.Unit);
}

/**
 * Runs a list of metric queries and expressions (GetMetricData, alarms on metric math): each
 * query's series by id, expressions evaluated in dependency order (a cycle is a ValidationError).
 */
export function runQueries(
  s: Scope,
  queries: Checked<cw.MetricDataQuery>[],
  start: number,
  end: number,
): Map<string, Value> {
  const byId = checkQueries(s, queries);
  const results = new Map<string, Value>();
  const metricQueries = queries.filter((q) => q.MetricStat);
  for (const q of metricQueries)
    results.set(q.Id, {
      kind: 'series',
      series: metricSeries(s, q.MetricStat as Checked<cw.MetricStat>, start, end),
    });
  // Expressions in dependency order: each evaluated once its references are; what is left is a cycle.
  let pending = queries
    .filter((q) => q.Expression !== undefined)
    .map((q) => ({ q, node: parseExpression(q.Expression as string, q.Id) }));
  while (pending.length) {
    const ready = pending.filter(({ node }) =>
      [...references(node)].every((r) => r === '*' || results.has(r) || !byId.has(r)),
    );
    if (!ready.length)
      throw validationError(
        `Circular dependency detected in expression ${(pending[0] as { q: { Id: string } }).q.Id}.`,
      );
    for (const { q, node } of ready) {
      results.set(
        q.Id,
        evaluate(node, {
          id: q.Id,
          lookup: (name) => {
            const v = results.get(name);
            if (!v) throw validationError(`Error in expression ${q.Id}: Unrecognized metric id ${name}`);
            return v;
          },
          metrics: () =>
            metricQueries.map((m) => {
              const v = results.get(m.Id);
              return v?.kind === 'series' ? v.series : { timestamps: [], values: [] };
            }),
        }),
      );
    }
    pending = pending.filter((p) => !ready.includes(p));
  }
  return results;
}

/** The queries by id, each checked (ids, one of MetricStat and Expression, periods). */
function checkQueries(
  s: Scope,
  queries: Checked<cw.MetricDataQuery>[],
): Map<string, Checked<cw.MetricDataQuery>> {
  if (queries.length > MAX_QUERIES)
    throw validationError(
      `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`,
    );
  const byId = new Map<string, Checked<cw.MetricDataQuery>>();
  queries.forEach((q, i) => {
    const field = `MetricDataQueries.member.${i + 1}`;
    if (!ID.test(q.Id))
      throw validationError(
        `The value ${q.Id} for parameter ${field}.Id is invalid: it must start with a lowercase letter and hold only letters, digits and underscores.`,
      );
    if (byId.has(q.Id)) throw validationError(`The value ${q.Id} for parameter ${field}.Id is not unique.`);
    if ((q.MetricStat === undefined) === (q.Expression === undefined))
      throw validationError(`The parameter ${field} must specify exactly one of MetricStat and Expression.`);
    if (q.MetricStat && !validPeriod(q.MetricStat.Period, fineResolution(s)))
      throw validationError(
        `The parameter ${field}.MetricStat.Period must be a multiple of 60 (or 1, 5, 10 or 30).`,
      );
    byId.set(q.Id, q);
  });
  return byId;
}

/** A value as one or more result series: a scalar is repeated over the timestamps of the others. */
function asSeries(v: Value, timestamps: number[]): Series[] {
  if (v.kind === 'series') return [v.series];
  if (v.kind === 'array') return v.items;
  return [{ timestamps, values: timestamps.map(() => v.value) }];
}

/** One result series of GetMetricData: its label, how many datapoints it has, and a reader for them. */
interface ResultSeries {
  id: string;
  label: string | undefined;
  length: number;
  read: () => Series;
}

/** Only finite values (math may yield NaN or infinities where a datapoint is missing or divided by 0). */
function finite(series: Series): Series {
  if (series.values.every(Number.isFinite)) return series;
  const timestamps: number[] = [];
  const values: number[] = [];
  series.values.forEach((v, j) => {
    if (!Number.isFinite(v)) return;
    timestamps.push(series.timestamps[j] as number);
    values.push(v);
  });
  return { timestamps, values };
}

/**
 * The result series when every query is a metric (no math): each counted in SQL, and read only
 * when the page holds some of its datapoints, so a later page does not read the earlier ones again.
 */
function plainResults(s: Scope, queries: Checked<cw.MetricDataQuery>[], start: number, end: number) {
  checkQueries(s, queries);
  const out: ResultSeries[] = [];
  for (const q of queries) {
    const stat = q.MetricStat as Checked<cw.MetricStat>;
    const series = seriesOfStat(s, stat);
    if (q.ReturnData === false) continue;
    const read = (): Series =>
      series
        ? s.store.statistic(series.id, start, end, stat.Period, series.statistic, stat.Unit)
        : { timestamps: [], values: [] };
    out.push({
      id: q.Id,
      label: q.Label ?? stat.Metric.MetricName,
      length: series ? s.store.periodCount(series.id, start, end, stat.Period, stat.Unit) : 0,
      read,
    });
  }
  return out;
}

/** The result series of queries with metric math: everything evaluated, then paged. */
function mathResults(s: Scope, queries: Checked<cw.MetricDataQuery>[], start: number, end: number) {
  const results = runQueries(s, queries, start, end);
  const allTimestamps = [
    ...new Set([...results.values()].flatMap((v) => (v.kind === 'series' ? v.series.timestamps : []))),
  ].sort((a, b) => a - b);
  const out: ResultSeries[] = [];
  for (const q of queries) {
    if (q.ReturnData === false) continue;
    const list = asSeries(results.get(q.Id) as Value, allTimestamps);
    list.forEach((one, i) => {
      const series = finite(one);
      out.push({
        id: q.Id,
        label:
          q.Label ??
          (q.MetricStat ? q.MetricStat.Metric.MetricName : list.length > 1 ? `${q.Id} ${i + 1}` : q.Id),
        length: series.timestamps.length,
        read: () => series,
      });
    });
  }
  return out;
}

export function getMetricData(s: Scope, input: Checked<cw.GetMetricDataInput>): Wire<cw.GetMetricDataOutput> {
  const queries = input.MetricDataQueries;
  if (!(input.StartTime < input.EndTime))
    throw validationError('The parameter StartTime must be less than the parameter EndTime.');
  if (!queries.some((q) => q.ReturnData !== false))
    throw validationError(
      'The parameter MetricDataQueries must hold at least one query with ReturnData true.',
    );
  const offset = readOffset(input.NextToken);
  const start = Math.floor(input.StartTime);
  const end = Math.ceil(input.EndTime);
  const results = queries.every((q) => q.MetricStat)
    ? plainResults(s, queries, start, end)
    : mathResults(s, queries, start, end);
  const descending = (input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending';
  // At most `max` datapoints a page (AWS: 100,800); the rest follows with NextToken, in the same
  // order (query by query, each in scan order), so a page boundary may cut one result in two.
  const max = input.MaxDatapoints ?? MAX_DATAPOINTS;
  const pageEnd = offset + max;
  let seen = 0;
  const out: Wire<cw.MetricDataResult>[] = [];
  for (const r of results) {
    const from = Math.max(0, offset - seen);
    const to = Math.max(from, Math.min(r.length, pageEnd - seen));
    const Timestamps = new Array<number>(to - from);
    const Values = new Array<number>(to - from);
    if (to > from) {
      const series = r.read();
      for (let k = from; k < to; k++) {
        const j = descending ? r.length - 1 - k : k;
        Timestamps[k - from] = series.timestamps[j] as number;
        Values[k - from] = series.values[j] as number;
      }
    }
    seen += r.length;
    out.push({
      Id: r.id,
      Label: r.label,
      Timestamps,
      Values,
      StatusCode: to < r.length ? 'PartialData' : 'Complete',
    });
  }
  return {
    MetricDataResults: out,
    ...(pageEnd < seen && { NextToken: offsetToken(pageEnd) }),
    Messages: [],
  };
}

export { sameDimensions };
