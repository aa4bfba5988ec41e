/**
 * CloudWatch through boto3 (python3, over HTTP; botocore speaks the protocol its model prefers):
 * PutMetricData, GetMetricData (with metric math), PutMetricAlarm and DescribeAlarms, and one bad
 * input each answered with CloudWatch's error code and writing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlane, type TestPlane } from '../../testing/plane';
import { BOTO3_PRELUDE, requirePythonModule, runPython } from '../../testing/tools';

const hasBoto3 = requirePythonModule('boto3', 'CloudWatch with boto3');

let t: TestPlane;

interface AwsErr {
  code: string;
  status: number;
  message: string;
}

const SCRIPT = `${BOTO3_PRELUDE}
cw = client('cloudwatch')
out = {'protocol': cw.meta.service_model.protocol}
now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
base = now - datetime.timedelta(minutes=10)
dims = [{'Name': 'Site', 'Value': 'a'}]
minute = lambda i: base + datetime.timedelta(minutes=i)

cw.put_metric_data(Namespace='Boto/App', MetricData=[
    {'MetricName': 'Hits', 'Dimensions': dims, 'Timestamp': minute(i), 'Value': float(i + 1), 'Unit': 'Count'}
    for i in range(5)])
out['putBad'] = err(cw.put_metric_data, Namespace='AWS/Mine',
                    MetricData=[{'MetricName': 'X', 'Value': 1.0}])
out['putBadListed'] = cw.list_metrics(Namespace='AWS/Mine')['Metrics']

queries = [
    {'Id': 'm', 'MetricStat': {'Metric': {'Namespace': 'Boto/App', 'MetricName': 'Hits', 'Dimensions': dims},
                               'Period': 60, 'Stat': 'Sum'}},
    {'Id': 'e', 'Expression': 'm * 2', 'Label': 'double'},
]
data = cw.get_metric_data(StartTime=base, EndTime=minute(5), ScanBy='TimestampAscending',
                          MetricDataQueries=queries)
out['data'] = [{'Id': r['Id'], 'Label': r['Label'], 'Values': r['Values'], 'StatusCode': r['StatusCode'],
                'Minutes': [int((ts - base).total_seconds() // 60) for ts in r['Timestamps']]}
               for r in data['MetricDataResults']]
out['dataBad'] = err(cw.get_metric_data, StartTime=minute(5), EndTime=base, MetricDataQueries=queries)

alarm = dict(Namespace='Boto/App', MetricName='Hits', Dimensions=dims, Statistic='Average', Period=60,
             Threshold=3.0, ComparisonOperator='GreaterThanThreshold', TreatMissingData='notBreaching')
cw.put_metric_alarm(AlarmName='boto-high', EvaluationPeriods=2, DatapointsToAlarm=2, **alarm)
out['alarmBad'] = err(cw.put_metric_alarm, AlarmName='boto-bad', EvaluationPeriods=1, DatapointsToAlarm=2,
                      **alarm)
out['alarms'] = [{k: a.get(k) for k in ('AlarmName', 'Namespace', 'MetricName', 'Dimensions', 'Statistic',
                                         'Period', 'EvaluationPeriods', 'DatapointsToAlarm', 'Threshold',
                                         'ComparisonOperator', 'TreatMissingData', 'StateValue')}
                 for a in cw.describe_alarms(AlarmNamePrefix='boto-')['MetricAlarms']]
out['describeBad'] = err(cw.describe_alarms, AlarmNames=['boto-high'], AlarmNamePrefix='boto-')
print(json.dumps(out))
`;

describe.skipIf(!hasBoto3)('boto3 against the local CloudWatch endpoint', () => {
  beforeAll(async () => {
    t = await startTestPlane();
  });
  afterAll(async () => {
    await t?.plane.stop();
  });

  it('puts and reads metric data, puts and describes an alarm, and refuses bad input', async () => {
    const out = await runPython<{
      protocol: string;
      putBad: AwsErr;
      putBadListed: unknown[];
      data: { Id: string; Label: string; Values: number[]; StatusCode: string; Minutes: number[] }[];
      dataBad: AwsErr;
      alarmBad: AwsErr;
      alarms: Record<string, unknown>[];
      describeBad: AwsErr;
    }>(t.url, SCRIPT);
    expect(['json', 'smithy-rpc-v2-cbor', 'query']).toContain(out.protocol);

    expect(out.putBad).toMatchObject({ code: 'InvalidParameterValue', status: 400 });
    expect(out.putBad.message).toContain('AWS/Mine');
    expect(out.putBadListed).toEqual([]);

    expect(out.data).toEqual([
      { Id: 'm', Label: 'Hits', Values: [1, 2, 3, 4, 5], StatusCode: 'Complete', Minutes: [0, 1, 2, 3, 4] },
      {
        Id: 'e',
        Label: 'double',
        Values: [2, 4, 6, 8, 10],
        StatusCode: 'Complete',
        Minutes: [0, 1, 2, 3, 4],
      },
    ]);
    expect(out.dataBad).toMatchObject({ code: 'ValidationError', status: 400 });

    expect(out.alarmBad).toMatchObject({ code: 'ValidationError', status: 400 });
    expect(out.alarms).toEqual([
      {
        AlarmName: 'boto-high',
        Namespace: 'Boto/App',
        MetricName: 'Hits',
        Dimensions: [{ Name: 'Site', Value: 'a' }],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 3,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        StateValue: expect.stringMatching(/^(INSUFFICIENT_DATA|OK|ALARM)$/),
      },
    ]);
    expect(out.describeBad).toMatchObject({ code: 'InvalidParameterCombination', status: 400 });
  });
});
