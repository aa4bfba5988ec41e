/**
 * CloudWatch metrics at the scale of a dashboard: 100 metric series holding a day of 1-minute
 * datapoints (144,000 points, written with PutMetricData over HTTP with the SDK), then GetMetricData
 * for all 100 series over the day at 1-minute resolution (100 queries x 1,440 values), repeated.
 * Prints the write time, the GetMetricData latency (p50, p95, max) and what each series holds: its
 * SQLite bytes (the store keeps metrics in SQLite pages, not in the JS heap) and the heap growth.
 */
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlane } from '../src/testing/plane';
import { fmt, pool, quantile, table } from './lib';

const SERIES = 100;
const MINUTES = 1440;

export async function benchMetrics(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const rounds = quick ? 5 : 30;
  console.log(
    `\n== CloudWatch: GetMetricData for ${SERIES} series over a day at 1-minute resolution (${rounds} rounds) ==\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'bench-metrics-'));
  const statePath = join(dir, 'state.sqlite');
  const t = await startTestPlane({ statePath });
  const cw = new CloudWatchClient(t.client);
  try {
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    const start = end - MINUTES * 60_000;
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const sizeBefore = dbBytes(statePath);

    // One call per series per 1000 points: each series gets its day in two calls.
    const calls: { series: number; from: number; to: number }[] = [];
    for (let s = 0; s < SERIES; s++)
      for (let m = 0; m < MINUTES; m += 1000)
        calls.push({ series: s, from: m, to: Math.min(MINUTES, m + 1000) });
    const writeStarted = performance.now();
    await pool(calls, 4, async (c) => {
      await cw.send(
        new PutMetricDataCommand({
          Namespace: 'Bench/App',
          MetricData: Array.from({ length: c.to - c.from }, (_, i) => ({
            MetricName: 'Latency',
            Dimensions: [{ Name: 'Series', Value: `s${c.series}` }],
            Timestamp: new Date(start + (c.from + i) * 60_000),
            Value: 50 + 40 * Math.sin((c.from + i + c.series) / 30),
            Unit: 'Milliseconds',
          })),
        }),
      );
    });
    const writeMs = performance.now() - writeStarted;

    const input = {
      StartTime: new Date(start),
      EndTime: new Date(end),
      MetricDataQueries: Array.from({ length: SERIES }, (_, s) => ({
        Id: `m${s}`,
        MetricStat: {
          Metric: {
            Namespace: 'Bench/App',
            MetricName: 'Latency',
            Dimensions: [{ Name: 'Series', Value: `s${s}` }],
          },
          Period: 60,
          Stat: 'Average',
        },
      })),
    };
    // GetMetricData answers at most 100,800 datapoints a call (as AWS): the day takes two pages.
    const latencies: number[] = [];
    let values = 0;
    let pages = 0;
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      values = 0;
      pages = 0;
      let NextToken: string | undefined;
      do {
        const out = await cw.send(new GetMetricDataCommand({ ...input, NextToken }));
        values += (out.MetricDataResults ?? []).reduce((a, x) => a + (x.Values?.length ?? 0), 0);
        NextToken = out.NextToken;
        pages++;
      } while (NextToken);
      latencies.push(performance.now() - t0);
    }
    // The same queries in-process (validation and the handler, no HTTP and no SDK): the server's share.
    const inProcess: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      let NextToken: string | undefined;
      do {
        const out = await t.plane.deps.services.call('monitoring', 'GetMetricData', {
          ...input,
          StartTime: start / 1000,
          EndTime: end / 1000,
          NextToken,
        });
        NextToken = (out as { NextToken?: string }).NextToken;
      } while (NextToken);
      inProcess.push(performance.now() - t0);
    }
    inProcess.sort((a, b) => a - b);
    if (values !== SERIES * MINUTES) throw new Error(`expected ${SERIES * MINUTES} values, got ${values}`);
    latencies.sort((a, b) => a - b);
    global.gc?.();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    const bytes = dbBytes(statePath) - sizeBefore;
    console.log(
      table([
        {
          'write 144,000 points': `${fmt(writeMs / 1000, 2)} s (${fmt((SERIES * MINUTES) / (writeMs / 1000), 0)} points/s)`,
          'GetMetricData (all pages) p50': `${fmt(quantile(latencies, 0.5))} ms`,
          p95: `${fmt(quantile(latencies, 0.95))} ms`,
          max: `${fmt(latencies.at(-1) ?? NaN)} ms`,
          'in-process p50': `${fmt(quantile(inProcess, 0.5))} ms`,
          values,
          pages,
        },
      ]),
    );
    console.log(
      `\nper series (a day of 1-minute points): SQLite ${fmt(bytes / SERIES / 1024)} KiB on disk, ` +
        `JS heap ${fmt(heapGrowth / SERIES / 1024)} KiB${global.gc ? '' : ' (heap without --expose-gc: rough)'}`,
    );
  } finally {
    cw.destroy();
    await t.plane.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The state file and its write-ahead log, in bytes. */
function dbBytes(path: string): number {
  let n = 0;
  for (const f of [path, `${path}-wal`]) {
    try {
      n += statSync(f).size;
    } catch {
      // not there yet
    }
  }
  return n;
}
