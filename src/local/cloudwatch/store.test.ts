import { describe, expect, it } from 'vitest';
import { startTestPlane } from '../../testing/plane';
import { Db } from '../store/db';
import { STATISTICS, statValue } from './common';
import { MetricStore } from './store';

const key = (name: string) => ({ region: 'us-east-1', namespace: 'T', name, dimensions: [] });

describe('MetricStore.statistic', () => {
  it('answers what the statistic sets per period give, grouped or one bucket a period', () => {
    const store = new MetricStore(new Db(null));
    const t0 = 1_800_000_000 - (1_800_000_000 % 60);
    // "plain": one 1-minute bucket a minute; "mixed": two units in some minutes, 1-second buckets too.
    for (let m = 0; m < 30; m++) {
      store.put(key('plain'), t0 + m * 60, 60, 'Count', { count: 2, sum: m, min: m / 4, max: m });
      store.put(key('mixed'), t0 + m * 60, 60, 'Count', { count: 1, sum: m, min: m, max: m });
      if (m % 3 === 0)
        store.put(key('mixed'), t0 + m * 60 + 7, 1, 'Bytes', { count: 3, sum: 9, min: 1, max: 5 });
    }
    for (const name of ['plain', 'mixed']) {
      const id = store.find(key(name))!.id;
      for (const [start, end, period] of [
        [t0, t0 + 1800, 60],
        [t0 + 30, t0 + 1800, 60],
        [t0, t0 + 1800, 300],
        [t0 + 120, t0 + 600, 120],
      ] as const)
        for (const unit of [undefined, 'Count', 'Bytes'])
          for (const stat of STATISTICS) {
            const want = store.periods(id, start, end, period, unit);
            const got = store.statistic(id, start, end, period, stat, unit);
            expect(got.timestamps).toEqual(want.map((p) => p.at));
            expect(got.values).toEqual(want.map((p) => statValue(stat, p)));
            expect(store.periodCount(id, start, end, period, unit)).toBe(want.length);
          }
    }
  });
});

describe('GetMetricData paging', () => {
  it('gives the same datapoints page by page as in one page, with and without metric math', async () => {
    const t = await startTestPlane();
    try {
      const call = (action: string, input: unknown) =>
        t.plane.deps.services.call('monitoring', action, input);
      const end = Math.floor(Date.now() / 60_000) * 60;
      const start = end - 100 * 60;
      for (let s = 0; s < 4; s++)
        await call('PutMetricData', {
          Namespace: 'Paging',
          MetricData: Array.from({ length: 100 - s * 20 }, (_, i) => ({
            MetricName: 'V',
            Dimensions: [{ Name: 'S', Value: `s${s}` }],
            Timestamp: start + (i + s * 10) * 60,
            Value: s * 1000 + i,
          })),
        });
      const metrics = Array.from({ length: 4 }, (_, s) => ({
        Id: `m${s}`,
        MetricStat: {
          Metric: { Namespace: 'Paging', MetricName: 'V', Dimensions: [{ Name: 'S', Value: `s${s}` }] },
          Period: 120,
          Stat: 'Maximum',
        },
      }));
      for (const queries of [metrics, [...metrics, { Id: 'e', Expression: 'm0 * 2' }]])
        for (const ScanBy of ['TimestampAscending', 'TimestampDescending']) {
          const input = { StartTime: start, EndTime: end, ScanBy, MetricDataQueries: queries };
          const whole = await call('GetMetricData', input);
          expect(whole.NextToken).toBeUndefined();
          const paged = new Map<string, { t: number[]; v: number[] }>();
          let NextToken: string | undefined;
          let pages = 0;
          do {
            const page = await call('GetMetricData', { ...input, MaxDatapoints: 37, NextToken });
            for (const r of page.MetricDataResults) {
              const acc = paged.get(r.Id) ?? { t: [], v: [] };
              acc.t.push(...r.Timestamps);
              acc.v.push(...r.Values);
              paged.set(r.Id, acc);
            }
            NextToken = page.NextToken;
            pages++;
          } while (NextToken && pages < 20);
          const total = whole.MetricDataResults.reduce(
            (a: number, r: { Values: number[] }) => a + r.Values.length,
            0,
          );
          expect(pages).toBe(Math.ceil(total / 37));
          for (const r of whole.MetricDataResults)
            expect(paged.get(r.Id)).toEqual({ t: r.Timestamps, v: r.Values });
        }
    } finally {
      await t.plane.stop();
    }
  });
});
