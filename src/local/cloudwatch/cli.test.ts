/** CloudWatch through the real AWS CLI (`aws cloudwatch ... --endpoint-url`; botocore speaks its json protocol). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlane, type TestPlane } from '../../testing/plane';
import { awsCli, awsJson, requireTool } from '../../testing/tools';

const hasAws = requireTool('aws', 'CloudWatch with the AWS CLI');

let t: TestPlane;

describe.skipIf(!hasAws)('AWS CLI against the local CloudWatch endpoint', () => {
  beforeAll(async () => {
    t = await startTestPlane();
  });
  afterAll(async () => {
    await t?.plane.stop();
  });
  const cw = (...args: string[]) => awsCli(t.url, ['cloudwatch', ...args]);

  it('puts metric data and reads statistics, metric data and the metric list', async () => {
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000).toISOString();
    const put = await cw(
      'put-metric-data',
      '--namespace',
      'Cli/App',
      '--metric-name',
      'Hits',
      '--dimensions',
      'Site=a',
      '--value',
      '5',
      '--unit',
      'Count',
      '--timestamp',
      at,
    );
    expect(put.code, put.stderr).toBe(0);
    expect(
      (
        await cw(
          'put-metric-data',
          '--namespace',
          'Cli/App',
          '--metric-name',
          'Hits',
          '--dimensions',
          'Site=a',
          '--value',
          '7',
          '--unit',
          'Count',
          '--timestamp',
          at,
        )
      ).code,
    ).toBe(0);
    const end = new Date(Date.now() + 60_000).toISOString();
    const stats = await awsJson<{ Datapoints: { Sum: number; SampleCount: number; Unit: string }[] }>(t.url, [
      'cloudwatch',
      'get-metric-statistics',
      '--namespace',
      'Cli/App',
      '--metric-name',
      'Hits',
      '--dimensions',
      'Name=Site,Value=a',
      '--start-time',
      at,
      '--end-time',
      end,
      '--period',
      '60',
      '--statistics',
      'Sum',
      'SampleCount',
    ]);
    expect(stats.Datapoints).toEqual([expect.objectContaining({ Sum: 12, SampleCount: 2, Unit: 'Count' })]);
    const data = await awsJson<{ MetricDataResults: { Id: string; Values: number[] }[] }>(t.url, [
      'cloudwatch',
      'get-metric-data',
      '--start-time',
      at,
      '--end-time',
      end,
      '--metric-data-queries',
      JSON.stringify([
        {
          Id: 'm1',
          MetricStat: {
            Metric: { Namespace: 'Cli/App', MetricName: 'Hits', Dimensions: [{ Name: 'Site', Value: 'a' }] },
            Period: 60,
            Stat: 'Sum',
          },
        },
        { Id: 'e1', Expression: 'm1 / 60' },
      ]),
    ]);
    expect(data.MetricDataResults.map((r) => [r.Id, r.Values])).toEqual([
      ['m1', [12]],
      ['e1', [0.2]],
    ]);
    const list = await awsJson<{ Metrics: { MetricName: string }[] }>(t.url, [
      'cloudwatch',
      'list-metrics',
      '--namespace',
      'Cli/App',
    ]);
    expect(list.Metrics.map((m) => m.MetricName)).toEqual(['Hits']);
  }, 240_000);

  it('manages alarms and answers errors with CloudWatch codes', async () => {
    const create = await cw(
      'put-metric-alarm',
      '--alarm-name',
      'cli-high',
      '--namespace',
      'Cli/App',
      '--metric-name',
      'Hits',
      '--statistic',
      'Sum',
      '--period',
      '60',
      '--evaluation-periods',
      '2',
      '--threshold',
      '10',
      '--comparison-operator',
      'GreaterThanThreshold',
      '--treat-missing-data',
      'notBreaching',
    );
    expect(create.code, create.stderr).toBe(0);
    const alarms = await awsJson<{ MetricAlarms: { AlarmName: string; StateValue: string }[] }>(t.url, [
      'cloudwatch',
      'describe-alarms',
      '--alarm-names',
      'cli-high',
    ]);
    // Evaluated at once: no data, treated as not breaching, is OK.
    expect(alarms.MetricAlarms.map((a) => a.AlarmName)).toEqual(['cli-high']);
    expect(['INSUFFICIENT_DATA', 'OK']).toContain(alarms.MetricAlarms[0]?.StateValue);
    expect(
      (
        await cw(
          'set-alarm-state',
          '--alarm-name',
          'cli-high',
          '--state-value',
          'ALARM',
          '--state-reason',
          'drill',
        )
      ).code,
    ).toBe(0);
    const history = await awsJson<{ AlarmHistoryItems: { HistoryItemType: string }[] }>(t.url, [
      'cloudwatch',
      'describe-alarm-history',
      '--alarm-name',
      'cli-high',
    ]);
    const types = history.AlarmHistoryItems.map((h) => h.HistoryItemType);
    expect(types[0]).toBe('StateUpdate');
    expect(types.at(-1)).toBe('ConfigurationUpdate');

    const missing = await cw(
      'set-alarm-state',
      '--alarm-name',
      'nope',
      '--state-value',
      'OK',
      '--state-reason',
      'x',
    );
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('(ResourceNotFound)');
    const reserved = await cw(
      'put-metric-data',
      '--namespace',
      'AWS/EC2',
      '--metric-name',
      'X',
      '--value',
      '1',
    );
    expect(reserved.stderr).toContain('(InvalidParameterValue)');
    const period = await cw(
      'put-metric-alarm',
      '--alarm-name',
      'bad',
      '--namespace',
      'N',
      '--metric-name',
      'M',
      '--statistic',
      'Sum',
      '--period',
      '45',
      '--evaluation-periods',
      '1',
      '--threshold',
      '1',
      '--comparison-operator',
      'GreaterThanThreshold',
    );
    expect(period.stderr).toContain('(ValidationError)');
    expect((await cw('delete-alarms', '--alarm-names', 'cli-high')).code).toBe(0);
    const gone = await cw('delete-alarms', '--alarm-names', 'cli-high');
    expect(gone.stderr).toContain('(ResourceNotFound)');
  }, 240_000);
});
