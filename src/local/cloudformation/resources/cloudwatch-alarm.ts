/**
 * AWS::CloudWatch::Alarm, through the local CloudWatch (PutMetricAlarm). Ref is the alarm name;
 * Fn::GetAtt Arn. An update is PutMetricAlarm again under the same name (a new AlarmName replaces).
 */
import { prop, ResourceFailure, type Props, type ResourceContext, type ResourceProvider } from './types';

/** Template properties that PutMetricAlarm takes as they are. */
const PASS = [
  'AlarmDescription',
  'ActionsEnabled',
  'AlarmActions',
  'OKActions',
  'InsufficientDataActions',
  'MetricName',
  'Namespace',
  'Statistic',
  'ExtendedStatistic',
  'Dimensions',
  'Period',
  'Unit',
  'EvaluationPeriods',
  'DatapointsToAlarm',
  'Threshold',
  'ComparisonOperator',
  'TreatMissingData',
  'EvaluateLowSampleCountPercentile',
  'Metrics',
  'ThresholdMetricId',
] as const;

async function put(ctx: ResourceContext, name: string, props: Props): Promise<void> {
  const input: Record<string, unknown> = { AlarmName: name };
  for (const key of PASS) if (props[key] !== undefined && props[key] !== null) input[key] = props[key];
  const tags = prop
    .objList(props, 'Tags')
    .map((t) => ({ Key: String(t.Key ?? ''), Value: String(t.Value ?? '') }));
  if (tags.length) input.Tags = tags;
  await ctx.call('monitoring', 'PutMetricAlarm', input);
}

const arnOf = (ctx: ResourceContext, name: string) =>
  `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`;

export const cloudWatchAlarm: ResourceProvider = {
  type: 'AWS::CloudWatch::Alarm',
  attributes: ['Arn'],
  nameProperty: 'AlarmName',
  generatedNameLength: 255,
  createOnly: ['AlarmName'],
  async create(ctx, props) {
    const name = prop.str(props, 'AlarmName') ?? ctx.generatedName;
    const existing = await ctx.call<{ MetricAlarms?: unknown[] }>('monitoring', 'DescribeAlarms', {
      AlarmNames: [name],
    });
    if (existing.MetricAlarms?.length)
      throw new ResourceFailure(
        `Resource of type 'AWS::CloudWatch::Alarm' with identifier '${name}' already exists.`,
      );
    await put(ctx, name, props);
    return { physicalId: name, attributes: { Arn: arnOf(ctx, name) } };
  },
  async update(ctx, name, props) {
    await put(ctx, name, props);
    return { Arn: arnOf(ctx, name) };
  },
  async find(ctx, name) {
    const out = await ctx.call<{ MetricAlarms?: { AlarmArn?: string }[] }>('monitoring', 'DescribeAlarms', {
      AlarmNames: [name],
    });
    const a = out.MetricAlarms?.[0];
    return a ? { physicalId: name, attributes: { Arn: a.AlarmArn ?? arnOf(ctx, name) } } : undefined;
  },
  async delete(ctx, name) {
    await ctx.callIgnoring('monitoring', 'DeleteAlarms', { AlarmNames: [name] }, ['ResourceNotFound']);
  },
};
