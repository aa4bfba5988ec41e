/**
 * CloudWatch through boto3 (python3, over HTTP; botocore speaks the protocol its model prefers):
 * every CloudWatch operation served (metric data, statistics, list, alarms: put, describe, for metric,
 * set state, history, delete), and a bad input for each answered with CloudWatch's error code,
 * writing nothing.
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

const MORE = `${BOTO3_PRELUDE}
cw = client('cloudwatch')
now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
base = now - datetime.timedelta(minutes=10)
dims = [{'Name': 'Site', 'Value': 'b'}]
minute = lambda i: base + datetime.timedelta(minutes=i)
out = {}
cw.put_metric_data(Namespace='Boto/More', MetricData=[
    {'MetricName': 'Hits', 'Dimensions': dims, 'Timestamp': minute(i), 'Value': float(i + 1), 'Unit': 'Count'}
    for i in range(3)])
stats = cw.get_metric_statistics(Namespace='Boto/More', MetricName='Hits', Dimensions=dims,
                                 StartTime=base, EndTime=minute(5), Period=60, Statistics=['Sum', 'Maximum'])
out['stats'] = sorted((p['Sum'], p['Maximum']) for p in stats['Datapoints'])
out['statsBad'] = err(cw.get_metric_statistics, Namespace='Boto/More', MetricName='Hits', Dimensions=dims,
                      StartTime=minute(5), EndTime=base, Period=60, Statistics=['Sum'])
out['listed'] = [(m['Namespace'], m['MetricName'], m['Dimensions']) for m in
                 cw.list_metrics(Namespace='Boto/More')['Metrics']]
out['listBad'] = err(cw.list_metrics, Namespace='Boto/More', NextToken='made-up')
alarm = dict(Namespace='Boto/More', MetricName='Hits', Dimensions=dims, Statistic='Sum', Period=60,
             Threshold=100.0, ComparisonOperator='GreaterThanThreshold', EvaluationPeriods=1)
cw.put_metric_alarm(AlarmName='more-high', **alarm)
out['forMetric'] = [a['AlarmName'] for a in cw.describe_alarms_for_metric(
    Namespace='Boto/More', MetricName='Hits', Dimensions=dims)['MetricAlarms']]
cw.set_alarm_state(AlarmName='more-high', StateValue='ALARM', StateReason='by hand')
out['state'] = cw.describe_alarms(AlarmNames=['more-high'])['MetricAlarms'][0]['StateValue']
out['setBad'] = err(cw.set_alarm_state, AlarmName='nope', StateValue='ALARM', StateReason='x')
out['history'] = [h['HistoryItemType'] for h in cw.describe_alarm_history(AlarmName='more-high')['AlarmHistoryItems']]
out['historyBad'] = err(cw.describe_alarm_history, AlarmName='more-high', HistoryItemType='Bogus')
out['deleteBad'] = err(cw.delete_alarms, AlarmNames=['more-high', 'nope'])
out['afterDeleteBad'] = [a['AlarmName'] for a in cw.describe_alarms(AlarmNames=['more-high'])['MetricAlarms']]
cw.delete_alarms(AlarmNames=['more-high'])
out['afterDelete'] = cw.describe_alarms(AlarmNames=['more-high'])['MetricAlarms']
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
  it('reads statistics, lists metrics, finds, sets, tells the history of and deletes alarms; refuses bad input', async () => {
    const out = await runPython<Record<string, unknown>>(t.url, MORE);
    expect(out.stats).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(out.statsBad).toMatchObject({ code: 'InvalidParameterValue', status: 400 });
    expect(out.listed).toEqual([['Boto/More', 'Hits', [{ Name: 'Site', Value: 'b' }]]]);
    expect(out.listBad).toMatchObject({ code: 'InvalidNextToken', status: 400 });
    expect(out.forMetric).toEqual(['more-high']);
    expect(out.state).toBe('ALARM');
    expect(out.setBad).toMatchObject({ code: 'ResourceNotFound', status: 404 });
    // Newest first: the state set by hand, then the alarm's creation.
    expect(out.history).toEqual(['StateUpdate', 'ConfigurationUpdate']);
    expect(out.historyBad).toMatchObject({ code: 'ValidationError', status: 400 });
    // One missing name refuses the whole call: nothing deleted.
    expect(out.deleteBad).toMatchObject({ code: 'ResourceNotFound', status: 404 });
    expect(out.afterDeleteBad).toEqual(['more-high']);
    expect(out.afterDelete).toEqual([]);
  });
});
