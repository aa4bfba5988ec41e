/** AWS::Logs::LogGroup, through the local CloudWatch Logs service (src/local/logs). */
import { prop, ResourceFailure, type ResourceProvider } from './types';

function retention(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  const allowed = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
  ];
  if (!allowed.includes(n)) throw new ResourceFailure(`Invalid value for RetentionInDays: ${v}`);
  return n;
}

const arnOf = (region: string, accountId: string, name: string) =>
  `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;

export const logGroup: ResourceProvider = {
  type: 'AWS::Logs::LogGroup',
  attributes: ['Arn'],
  nameProperty: 'LogGroupName',
  generatedNameLength: 512,
  async create(ctx, props) {
    const name = prop.str(props, 'LogGroupName') ?? ctx.generatedName;
    if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name)) throw new ResourceFailure(`Invalid log group name ${name}`);
    const retentionInDays = retention(prop.str(props, 'RetentionInDays'));
    try {
      await ctx.call('logs', 'CreateLogGroup', { logGroupName: name });
    } catch (err) {
      if (err instanceof ResourceFailure && err.code === 'ResourceAlreadyExistsException') {
        throw new ResourceFailure(
          `Resource of type 'AWS::Logs::LogGroup' with identifier '${name}' already exists.`,
          err.code,
        );
      }
      throw err;
    }
    ctx.created(name);
    if (retentionInDays !== undefined)
      await ctx.call('logs', 'PutRetentionPolicy', { logGroupName: name, retentionInDays });
    return { physicalId: name, attributes: { Arn: arnOf(ctx.region, ctx.accountId, name) } };
  },
  async update(ctx, name, props) {
    const retentionInDays = retention(prop.str(props, 'RetentionInDays'));
    if (retentionInDays === undefined)
      await ctx.call('logs', 'DeleteRetentionPolicy', { logGroupName: name });
    else await ctx.call('logs', 'PutRetentionPolicy', { logGroupName: name, retentionInDays });
  },
  async find(ctx, name) {
    const out = await ctx.call<{ logGroups?: { logGroupName?: string; arn?: string }[] }>(
      'logs',
      'DescribeLogGroups',
      { logGroupNamePrefix: name },
    );
    const g = out.logGroups?.find((x) => x.logGroupName === name);
    return g
      ? { physicalId: name, attributes: { Arn: g.arn ?? arnOf(ctx.region, ctx.accountId, name) } }
      : undefined;
  },
  async delete(ctx, name) {
    await ctx.callIgnoring('logs', 'DeleteLogGroup', { logGroupName: name }, ['ResourceNotFoundException']);
  },
};
