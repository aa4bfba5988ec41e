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
import type { Db } from '../store/db';

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

export class MetricStore {
  private readonly stmt;

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
