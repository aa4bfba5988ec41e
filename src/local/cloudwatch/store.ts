/**
 * Metric storage: two SQLite tables beside the document collections.
 *
 * - `cw_series`: one row per metric (region, namespace, name, dimensions in a canonical order), with
 *   the time of its newest datapoint.
 * - `cw_points`: statistic sets (count, sum, min, max) per series, bucket and unit, `WITHOUT ROWID` on
 *   (series, at, unit) so a series' range is one index scan. A datapoint is folded into its bucket as
 *   it arrives: 1-second buckets for high-resolution metrics (StorageResolution 1), 1-minute buckets
 *   otherwise. That is all CloudWatch's statistics need (percentiles are not kept).
 *
 * Bounded: high-resolution buckets are kept 3 hours and 1-minute buckets 15 days (CloudWatch keeps
 * them that long before rolling them up); at most `maxSeries` series per plane, the least recently
 * written one going when a new one would pass the cap. `prune` applies both.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../store/db';
import type { StatisticName } from './common';

export interface Dimension {
  Name: string;
  Value: string;
}

export interface SeriesKey {
  region: string;
  namespace: string;
  name: string;
  dimensions: Dimension[];
}

export interface SeriesRow extends SeriesKey {
  id: number;
  lastAt: number;
}

/** One statistic set: what a bucket (or a period of buckets) holds. */
export interface Stats {
  count: number;
  sum: number;
  min: number;
  max: number;
}

export const HIGH_RES_RETENTION_S = 3 * 3600;
export const STANDARD_RETENTION_S = 15 * 86400;
export const DEFAULT_MAX_SERIES = 20_000;

/** Dimensions sorted by name (then value): the one spelling a series is stored and matched under. */
export function canonicalDimensions(dims: readonly Dimension[]): string {
  const sorted = [...dims].sort((a, b) =>
    a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : a.Value < b.Value ? -1 : a.Value > b.Value ? 1 : 0,
  );
  return JSON.stringify(sorted.map((d) => [d.Name, d.Value]));
}

const parseDimensions = (text: string): Dimension[] =>
  (JSON.parse(text) as [string, string][]).map(([Name, Value]) => ({ Name, Value }));

interface RawSeries {
  id: number;
  region: string;
  namespace: string;
  name: string;
  dims: string;
  last_at: number;
}

const toRow = (r: RawSeries): SeriesRow => ({
  id: r.id,
  region: r.region,
  namespace: r.namespace,
  name: r.name,
  dimensions: parseDimensions(r.dims),
  lastAt: r.last_at,
});

/** Each statistic over a period's buckets, in SQL (so a read returns two columns, not five). */
const STAT_SQL: Record<StatisticName, string> = {
  SampleCount: 'sum(n)',
  Average: 'CASE WHEN sum(n) = 0 THEN 0 ELSE sum(sum) / sum(n) END',
  Sum: 'sum(sum)',
  Minimum: 'min(min)',
  Maximum: 'max(max)',
};
/** The same of one bucket, where each period holds one bucket (no grouping: an index scan in order). */
const ROW_SQL: Record<StatisticName, string> = {
  SampleCount: 'n',
  Average: 'CASE WHEN n = 0 THEN 0 ELSE sum / n END',
  Sum: 'sum',
  Minimum: 'min',
  Maximum: 'max',
};

/** A series read as columns: period starts (epoch seconds, ascending) and one statistic each. */
export interface Columns {
  timestamps: number[];
  values: number[];
}

export class MetricStore {
  private readonly stmt;
  /** Prepared reads of one statistic per period, by statistic and whether a unit narrows them. */
  private readonly statStmts = new Map<string, Database.Statement<unknown[], [number, number]>>();

  constructor(
    private readonly db: Db,
    readonly maxSeries = DEFAULT_MAX_SERIES,
  ) {
    db.sql.exec(`
      CREATE TABLE IF NOT EXISTS cw_series (
        id INTEGER PRIMARY KEY, region TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        dims TEXT NOT NULL, last_at INTEGER NOT NULL, UNIQUE (region, namespace, name, dims));
      CREATE INDEX IF NOT EXISTS cw_series_last ON cw_series (last_at);
      CREATE TABLE IF NOT EXISTS cw_points (
        series INTEGER NOT NULL, at INTEGER NOT NULL, unit TEXT NOT NULL, res INTEGER NOT NULL,
        n REAL NOT NULL, sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
        PRIMARY KEY (series, at, unit)) WITHOUT ROWID;`);
    const sql = db.sql;
    this.stmt = {
      findSeries: sql.prepare<[string, string, string, string], RawSeries>(
        'SELECT * FROM cw_series WHERE region = ? AND namespace = ? AND name = ? AND dims = ?',
      ),
      insertSeries: sql.prepare(
        'INSERT INTO cw_series (region, namespace, name, dims, last_at) VALUES (?, ?, ?, ?, ?)',
      ),
      touchSeries: sql.prepare('UPDATE cw_series SET last_at = max(last_at, ?) WHERE id = ?'),
      countSeries: sql.prepare<[], { n: number }>('SELECT count(*) AS n FROM cw_series'),
      oldestSeries: sql.prepare<[number], { id: number }>(
        'SELECT id FROM cw_series ORDER BY last_at, id LIMIT ?',
      ),
      deleteSeries: sql.prepare('DELETE FROM cw_series WHERE id = ?'),
      deletePointsOf: sql.prepare('DELETE FROM cw_points WHERE series = ?'),
      upsertPoint: sql.prepare(`
        INSERT INTO cw_points (series, at, unit, res, n, sum, min, max) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (series, at, unit) DO UPDATE SET n = n + excluded.n, sum = sum + excluded.sum,
          min = min(min, excluded.min), max = max(max, excluded.max)`),
      seriesOf: sql.prepare<[string, string], RawSeries>(
        'SELECT * FROM cw_series WHERE region = ? AND namespace = ? ORDER BY name, dims',
      ),
      seriesNamed: sql.prepare<[string, string, string], RawSeries>(
        'SELECT * FROM cw_series WHERE region = ? AND namespace = ? AND name = ? ORDER BY dims',
      ),
      seriesInRegion: sql.prepare<[string], RawSeries>(
        'SELECT * FROM cw_series WHERE region = ? ORDER BY namespace, name, dims',
      ),
      period: sql.prepare<[number, number, number, number, number, number, number], StatsRow>(`
        SELECT ? + ((at - ?) / ?) * ? AS b, sum(n) AS n, sum(sum) AS sum, min(min) AS min, max(max) AS max
        FROM cw_points WHERE series = ? AND at >= ? AND at < ? GROUP BY b ORDER BY b`),
      periodUnit: sql.prepare<[number, number, number, number, number, number, number, string], StatsRow>(`
        SELECT ? + ((at - ?) / ?) * ? AS b, sum(n) AS n, sum(sum) AS sum, min(min) AS min, max(max) AS max
        FROM cw_points WHERE series = ? AND at >= ? AND at < ? AND unit = ? GROUP BY b ORDER BY b`),
      countPeriods: sql.prepare<[number, number, number, number, number], PeriodCounts>(
        'SELECT count(*) AS rows, count(DISTINCT (at - ?) / ?) AS periods FROM cw_points WHERE series = ? AND at >= ? AND at < ?',
      ),
      countPeriodsUnit: sql.prepare<[number, number, number, number, number, string], PeriodCounts>(
        'SELECT count(*) AS rows, count(DISTINCT (at - ?) / ?) AS periods FROM cw_points WHERE series = ? AND at >= ? AND at < ? AND unit = ?',
      ),
      unitsOf: sql.prepare<[number, number, number], { unit: string }>(
        'SELECT DISTINCT unit FROM cw_points WHERE series = ? AND at >= ? AND at < ?',
      ),
      dropOld: sql.prepare('DELETE FROM cw_points WHERE res = ? AND at < ?'),
      staleSeries: sql.prepare<[number], { id: number }>('SELECT id FROM cw_series WHERE last_at < ?'),
    };
  }

  /** The series' row, or undefined. */
  find(key: SeriesKey): SeriesRow | undefined {
    const r = this.stmt.findSeries.get(
      key.region,
      key.namespace,
      key.name,
      canonicalDimensions(key.dimensions),
    );
    return r ? toRow(r) : undefined;
  }

  /**
   * Folds one statistic set into the series' bucket (1 s or 60 s, `resolution`), creating the series
   * (and retiring the least recently written one past the cap). Call inside a transaction.
   */
  put(key: SeriesKey, at: number, resolution: 1 | 60, unit: string, stats: Stats): void {
    const dims = canonicalDimensions(key.dimensions);
    let id = this.stmt.findSeries.get(key.region, key.namespace, key.name, dims)?.id;
    if (id === undefined) {
      const over = this.stmt.countSeries.get()!.n - this.maxSeries + 1;
      if (over > 0) for (const old of this.stmt.oldestSeries.all(over)) this.drop(old.id);
      id = Number(this.stmt.insertSeries.run(key.region, key.namespace, key.name, dims, at).lastInsertRowid);
    }
    this.stmt.touchSeries.run(at, id);
    const bucket = Math.floor(at / resolution) * resolution;
    this.stmt.upsertPoint.run(id, bucket, unit, resolution, stats.count, stats.sum, stats.min, stats.max);
  }

  private drop(id: number): void {
    this.stmt.deletePointsOf.run(id);
    this.stmt.deleteSeries.run(id);
  }

  /** Series of a region, narrowed by namespace and name when given. */
  list(region: string, namespace?: string, name?: string): SeriesRow[] {
    const rows =
      namespace === undefined
        ? this.stmt.seriesInRegion.all(region)
        : name === undefined
          ? this.stmt.seriesOf.all(region, namespace)
          : this.stmt.seriesNamed.all(region, namespace, name);
    return rows.map(toRow);
  }

  /**
   * The series' statistics per period over [start, end) (epoch seconds), periods counted from
   * `start`; only periods that hold data. `unit` narrows to datapoints sent with that unit.
   */
  periods(seriesId: number, start: number, end: number, period: number, unit?: string): PeriodStats[] {
    const rows =
      unit === undefined
        ? this.stmt.period.all(start, start, period, period, seriesId, start, end)
        : this.stmt.periodUnit.all(start, start, period, period, seriesId, start, end, unit);
    return rows.map((r) => ({ at: r.b, count: r.n, sum: r.sum, min: r.min, max: r.max }));
  }

  /**
   * One statistic of the series per period over [start, end) (epoch seconds), periods counted from
   * `start`, only periods that hold data; as two arrays, without an object per point (GetMetricData
   * reads up to 100,800 points a call).
   */
  statistic(
    seriesId: number,
    start: number,
    end: number,
    period: number,
    stat: StatisticName,
    unit?: string,
  ): Columns {
    // Where every period holds one bucket (a 1-minute metric read by the minute, one unit), each
    // row is a period and SQLite need not group (a temporary B-tree) what it reads in order.
    const counts = this.counts(seriesId, start, end, period, unit);
    if (counts.periods === 0) return { timestamps: [], values: [] };
    const grouped = counts.rows !== counts.periods;
    const key = `${stat}/${unit === undefined ? '' : 'u'}/${grouped ? 'g' : ''}`;
    let stmt = this.statStmts.get(key);
    if (!stmt) {
      stmt = this.db.sql
        .prepare<unknown[], [number, number]>(
          `SELECT ? + ((at - ?) / ?) * ? AS b, ${grouped ? STAT_SQL[stat] : ROW_SQL[stat]} FROM cw_points
           WHERE series = ? AND at >= ? AND at < ?${unit === undefined ? '' : ' AND unit = ?'}
           ${grouped ? 'GROUP BY b ORDER BY b' : 'ORDER BY at'}`,
        )
        .raw(true);
      this.statStmts.set(key, stmt);
    }
    const args: unknown[] = [start, start, period, period, seriesId, start, end];
    if (unit !== undefined) args.push(unit);
    const rows = stmt.all(...args);
    const timestamps = new Array<number>(rows.length);
    const values = new Array<number>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as [number, number];
      timestamps[i] = r[0];
      values[i] = r[1];
    }
    return { timestamps, values };
  }

  /** How many periods of [start, end) hold data (what `statistic` would return, counted in SQL). */
  periodCount(seriesId: number, start: number, end: number, period: number, unit?: string): number {
    return this.counts(seriesId, start, end, period, unit).periods;
  }

  /** The buckets in [start, end) and the periods they fall in. */
  private counts(seriesId: number, start: number, end: number, period: number, unit?: string) {
    const r =
      unit === undefined
        ? this.stmt.countPeriods.get(start, period, seriesId, start, end)!
        : this.stmt.countPeriodsUnit.get(start, period, seriesId, start, end, unit)!;
    return { rows: r.rows, periods: r.periods };
  }

  /** The units the series' datapoints in [start, end) were sent with. */
  units(seriesId: number, start: number, end: number): string[] {
    return this.stmt.unitsOf.all(seriesId, start, end).map((r) => r.unit);
  }

  /** Drops buckets past their retention and series with nothing left (call inside a transaction). */
  prune(now: number): { series: number } {
    this.stmt.dropOld.run(1, now - HIGH_RES_RETENTION_S);
    this.stmt.dropOld.run(60, now - STANDARD_RETENTION_S);
    const stale = this.stmt.staleSeries.all(now - STANDARD_RETENTION_S);
    for (const s of stale) this.drop(s.id);
    const over = this.stmt.countSeries.get()!.n - this.maxSeries;
    if (over > 0) for (const old of this.stmt.oldestSeries.all(over)) this.drop(old.id);
    return { series: this.stmt.countSeries.get()!.n };
  }
}

interface PeriodCounts {
  rows: number;
  periods: number;
}

interface StatsRow {
  b: number;
  n: number;
  sum: number;
  min: number;
  max: number;
}

export interface PeriodStats extends Stats {
  /** Start of the period, epoch seconds. */
  at: number;
}
