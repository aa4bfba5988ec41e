/**
 * CloudWatch through the AWS SDK over HTTP, in each protocol the model lists: the client's default
 * (awsJson 1.0), smithy-rpc-v2-cbor and awsQuery (the two others set on the same client). Metrics,
 * statistics, metric math, alarms and their errors. (The SDK names the wire code ValidationError
 * ValidationException: its model has that shape for the code.)
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  DescribeAlarmsForMetricCommand,
  DisableAlarmActionsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
  type CloudWatchClientConfig,
} from '@aws-sdk/client-cloudwatch';
import { AwsQueryProtocol, AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestPlane, type TestPlane } from '../../testing/plane';
import { ManualClock } from '../common/clock';

let t: TestPlane;
const clients: Record<string, CloudWatchClient> = {};

const settings = {
  defaultNamespace: 'com.amazonaws.cloudwatch',
  xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
  version: '2010-08-01',
  awsQueryCompatible: true,
};

beforeAll(async () => {
  // A frozen clock: alarms are evaluated only when the test moves time.
  t = await startTestPlane({ clock: new ManualClock({ start: Date.now() }) });
  const base = t.client as CloudWatchClientConfig;
  clients.json = new CloudWatchClient(base);
  clients.cbor = new CloudWatchClient({
    ...base,
    // With a protocol object given explicitly, this SDK version never sends a gzip-compressed request
    // (the call hangs in the client); the plane's gzip reading is protocol-blind and the other two cover it.
    disableRequestCompression: true,
    protocol: new AwsSmithyRpcV2CborProtocol(settings as never),
  } as CloudWatchClientConfig);
  clients.query = new CloudWatchClient({
    ...base,
    protocol: new AwsQueryProtocol(settings as never),
  } as CloudWatchClientConfig);
});
afterAll(async () => {
  for (const c of Object.values(clients)) c.destroy();
  await t?.plane.stop();
});

const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;

describe.each(['json', 'cbor', 'query'])('CloudWatch over %s', (protocol) => {
  const cw = () => clients[protocol] as CloudWatchClient;
  const ns = `Test/${protocol}`;

  it('stores datapoints and answers statistics per period', async () => {
    const base = minute(Date.now()) - 10 * 60_000;
    const dims = [
      { Name: 'ServiceName', Value: 'web' },
      { Name: 'ClusterName', Value: 'default' },
    ];
    await cw().send(
      new PutMetricDataCommand({
        Namespace: ns,
        MetricData: [
          { MetricName: 'Load', Dimensions: dims, Timestamp: new Date(base), Value: 10, Unit: 'Percent' },
          {
            MetricName: 'Load',
            Dimensions: dims,
            Timestamp: new Date(base + 1000),
            Value: 30,
            Unit: 'Percent',
          },
          {
            MetricName: 'Load',
            Dimensions: [...dims].reverse(),
            Timestamp: new Date(base + 60_000),
            StatisticValues: { SampleCount: 2, Sum: 100, Minimum: 40, Maximum: 60 },
            Unit: 'Percent',
          },
          {
            MetricName: 'Load',
            Dimensions: dims,
            Timestamp: new Date(base + 120_000),
            Values: [1, 3],
            Counts: [1, 3],
            Unit: 'Percent',
          },
        ],
      }),
    );
    const stats = await cw().send(
      new GetMetricStatisticsCommand({
        Namespace: ns,
        MetricName: 'Load',
        Dimensions: dims,
        StartTime: new Date(base),
        EndTime: new Date(base + 180_000),
        Period: 60,
        Statistics: ['Average', 'Sum', 'SampleCount', 'Minimum', 'Maximum'],
      }),
    );
    const points = (stats.Datapoints ?? []).sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime());
    expect(
      points.map((p) => [
        p.Timestamp!.getTime() - base,
        p.Average,
        p.Sum,
        p.SampleCount,
        p.Minimum,
        p.Maximum,
      ]),
    ).toEqual([
      [0, 20, 40, 2, 10, 30],
      [60_000, 50, 100, 2, 40, 60],
      [120_000, 2.5, 10, 4, 1, 3],
    ]);
    expect(points[0]?.Unit).toBe('Percent');

    const listed = await cw().send(
      new ListMetricsCommand({ Namespace: ns, Dimensions: [{ Name: 'ServiceName' }] }),
    );
    expect(listed.Metrics).toEqual([
      {
        Namespace: ns,
        MetricName: 'Load',
        Dimensions: [
          { Name: 'ClusterName', Value: 'default' },
          { Name: 'ServiceName', Value: 'web' },
        ],
      },
    ]);

    const data = await cw().send(
      new GetMetricDataCommand({
        StartTime: new Date(base),
        EndTime: new Date(base + 180_000),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          {
            Id: 'm1',
            MetricStat: {
              Metric: { Namespace: ns, MetricName: 'Load', Dimensions: dims },
              Period: 60,
              Stat: 'Average',
            },
            ReturnData: false,
          },
          {
            Id: 'm2',
            MetricStat: {
              Metric: { Namespace: ns, MetricName: 'Load', Dimensions: dims },
              Period: 60,
              Stat: 'Sum',
            },
          },
          { Id: 'e1', Expression: '(m1 + m2) * 2', Label: 'double' },
          { Id: 'e2', Expression: 'MAX(m1)' },
          { Id: 'e3', Expression: 'SUM([m1, m2])' },
          { Id: 'e4', Expression: 'RATE(m2)' },
        ],
      }),
    );
    const byId = new Map(data.MetricDataResults?.map((r) => [r.Id, r]));
    expect(byId.has('m1')).toBe(false);
    expect(byId.get('m2')?.Values).toEqual([40, 100, 10]);
    expect(byId.get('e1')).toMatchObject({ Label: 'double', Values: [120, 300, 25], StatusCode: 'Complete' });
    expect(byId.get('e2')?.Values).toEqual([50, 50, 50]);
    expect(byId.get('e3')?.Values).toEqual([60, 150, 12.5]);
    expect(byId.get('e4')?.Values).toEqual([1, -1.5]);
    expect(byId.get('m2')?.Timestamps?.map((d) => d.getTime() - base)).toEqual([0, 60_000, 120_000]);
  });

  it('takes gzip-compressed bodies and pages GetMetricData with NextToken', async () => {
    const base = minute(Date.now()) - 400 * 60_000;
    // 300 datapoints: past the SDK's 10 KB threshold, so the body travels gzip-compressed.
    await cw().send(
      new PutMetricDataCommand({
        Namespace: ns,
        MetricData: Array.from({ length: 300 }, (_, i) => ({
          MetricName: 'Paged',
          Dimensions: [{ Name: 'Long', Value: 'dimension-value-'.repeat(8) }],
          Timestamp: new Date(base + i * 60_000),
          Value: i,
        })),
      }),
    );
    const input = {
      StartTime: new Date(base),
      EndTime: new Date(base + 300 * 60_000),
      MaxDatapoints: 120,
      ScanBy: 'TimestampAscending' as const,
      MetricDataQueries: [
        {
          Id: 'p',
          MetricStat: {
            Metric: {
              Namespace: ns,
              MetricName: 'Paged',
              Dimensions: [{ Name: 'Long', Value: 'dimension-value-'.repeat(8) }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    };
    const values: number[] = [];
    const statuses: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await cw().send(new GetMetricDataCommand({ ...input, NextToken }));
      values.push(...(page.MetricDataResults?.[0]?.Values ?? []));
      statuses.push(page.MetricDataResults?.[0]?.StatusCode ?? '');
      NextToken = page.NextToken;
    } while (NextToken && statuses.length < 10);
    expect(statuses).toEqual(['PartialData', 'PartialData', 'Complete']);
    expect(values).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('answers bad input with CloudWatch codes and writes nothing', async () => {
    const put = (input: object) =>
      errorOf(cw().send(new PutMetricDataCommand({ Namespace: ns, ...input } as never)));
    expect(
      await errorOf(
        cw().send(
          new PutMetricDataCommand({ Namespace: 'AWS/ECS', MetricData: [{ MetricName: 'X', Value: 1 }] }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidParameterValueException',
      status: 400,
    });
    expect(
      await put({
        MetricData: [
          {
            MetricName: 'Bad',
            Value: 1,
            StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 },
          },
        ],
      }),
    ).toMatchObject({
      name: 'InvalidParameterCombinationException',
    });
    expect(
      await put({
        MetricData: [
          { MetricName: 'Bad', Value: 1 },
          { MetricName: 'Bad', Value: 1, Timestamp: new Date(Date.now() - 30 * 86400_000) },
        ],
      }),
    ).toMatchObject({
      name: 'InvalidParameterValueException',
    });
    expect(await put({ MetricData: [{ MetricName: 'Bad', Value: 1, StorageResolution: 5 }] })).toMatchObject({
      name: 'InvalidParameterValueException',
    });
    expect(await put({ MetricData: [{ MetricName: 'Bad' }] })).toMatchObject({
      name: 'MissingRequiredParameterException',
    });
    const none = await cw().send(new ListMetricsCommand({ Namespace: ns, MetricName: 'Bad' }));
    expect(none.Metrics).toEqual([]);

    const stats = (input: object) =>
      errorOf(
        cw().send(
          new GetMetricStatisticsCommand({
            Namespace: ns,
            MetricName: 'Load',
            StartTime: new Date(Date.now() - 3600_000),
            EndTime: new Date(),
            Period: 60,
            Statistics: ['Average'],
            ...input,
          } as never),
        ),
      );
    expect(await stats({ Period: 61 })).toMatchObject({ name: 'InvalidParameterValueException' });
    expect(await stats({ StartTime: new Date(Date.now() - 2 * 86400_000) })).toMatchObject({
      name: 'InvalidParameterCombinationException',
    });
    expect(await stats({ Statistics: undefined })).toMatchObject({
      name: 'MissingRequiredParameterException',
    });
    expect(await stats({ StartTime: new Date(), EndTime: new Date(Date.now() - 60_000) })).toMatchObject({
      name: 'InvalidParameterValueException',
    });

    const data = (queries: object[]) =>
      errorOf(
        cw().send(
          new GetMetricDataCommand({
            StartTime: new Date(Date.now() - 3600_000),
            EndTime: new Date(),
            MetricDataQueries: queries as never,
          }),
        ),
      );
    expect(await data([{ Id: 'e1', Expression: 'm9 +' }])).toMatchObject({
      name: 'ValidationException',
      status: 400,
    });
    expect(await data([{ Id: 'e1', Expression: `${'('.repeat(200)}1${')'.repeat(200)}` }])).toMatchObject({
      name: 'ValidationException',
    });
    expect(await data([{ Id: 'Upper', Expression: '1' }])).toMatchObject({ name: 'ValidationException' });
    expect(
      await data([
        { Id: 'a', Expression: 'b' },
        { Id: 'b', Expression: 'a' },
      ]),
    ).toMatchObject({ name: 'ValidationException' });
  });

  it('creates, describes, sets, and deletes alarms, with history', async () => {
    const name = `high-${protocol}`;
    await cw().send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: ns,
        MetricName: 'Load',
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: 50,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [{ Name: 'ServiceName', Value: 'web' }],
        AlarmActions: ['arn:aws:sns:us-east-1:000000000000:ops'],
      }),
    );
    const described = await cw().send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
    expect(described.MetricAlarms?.[0]).toMatchObject({
      AlarmName: name,
      AlarmArn: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${name}`,
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
      Threshold: 50,
      TreatMissingData: 'missing',
      ActionsEnabled: true,
    });
    expect(described.MetricAlarms?.[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    const forMetric = await cw().send(
      new DescribeAlarmsForMetricCommand({
        Namespace: ns,
        MetricName: 'Load',
        Dimensions: [{ Name: 'ServiceName', Value: 'web' }],
      }),
    );
    expect(forMetric.MetricAlarms?.map((a) => a.AlarmName)).toEqual([name]);

    await cw().send(
      new SetAlarmStateCommand({
        AlarmName: name,
        StateValue: 'ALARM',
        StateReason: 'testing',
        StateReasonData: '{"a":1}',
      }),
    );
    const alarmed = await cw().send(
      new DescribeAlarmsCommand({ StateValue: 'ALARM', AlarmNamePrefix: 'high-' }),
    );
    expect(alarmed.MetricAlarms?.map((a) => [a.AlarmName, a.StateReason])).toContainEqual([name, 'testing']);
    await cw().send(new DisableAlarmActionsCommand({ AlarmNames: [name] }));

    const history = await cw().send(new DescribeAlarmHistoryCommand({ AlarmName: name }));
    expect(history.AlarmHistoryItems?.map((h) => h.HistoryItemType)).toEqual([
      'ConfigurationUpdate',
      'StateUpdate',
      'ConfigurationUpdate',
    ]);
    expect(history.AlarmHistoryItems?.[1]?.HistorySummary).toBe(
      'Alarm updated from INSUFFICIENT_DATA to ALARM',
    );

    expect(
      await errorOf(
        cw().send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' })),
      ),
    ).toMatchObject({
      name: 'ResourceNotFound',
      status: 404,
    });
    expect(
      await errorOf(
        cw().send(
          new SetAlarmStateCommand({
            AlarmName: name,
            StateValue: 'OK',
            StateReason: 'x',
            StateReasonData: '{',
          }),
        ),
      ),
    ).toMatchObject({
      name: 'InvalidFormatFault',
    });
    const bad = (input: object) =>
      errorOf(
        cw().send(
          new PutMetricAlarmCommand({
            AlarmName: 'bad',
            Namespace: ns,
            MetricName: 'Load',
            Statistic: 'Average',
            Period: 60,
            EvaluationPeriods: 1,
            Threshold: 1,
            ComparisonOperator: 'GreaterThanThreshold',
            ...input,
          } as never),
        ),
      );
    expect(await bad({ DatapointsToAlarm: 2 })).toMatchObject({ name: 'ValidationException' });
    expect(await bad({ Period: 45 })).toMatchObject({ name: 'ValidationException' });
    expect(await bad({ ExtendedStatistic: 'p99' })).toMatchObject({
      name: 'InvalidParameterCombinationException',
    });
    expect(await bad({ AlarmActions: ['not-an-arn'] })).toMatchObject({ name: 'ValidationException' });
    expect(await bad({ TreatMissingData: 'sometimes' })).toMatchObject({ name: 'ValidationException' });
    expect(await bad({ EvaluationPeriods: 0 })).toMatchObject({ name: 'ValidationException' });
    expect((await cw().send(new DescribeAlarmsCommand({ AlarmNames: ['bad'] }))).MetricAlarms).toEqual([]);

    expect(await errorOf(cw().send(new DeleteAlarmsCommand({ AlarmNames: [name, 'nope'] })))).toMatchObject({
      name: 'ResourceNotFound',
    });
    await cw().send(new DeleteAlarmsCommand({ AlarmNames: [name] }));
    expect((await cw().send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms).toEqual([]);
  });
});
