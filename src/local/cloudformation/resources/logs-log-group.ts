/** AWS::Logs::LogGroup. There is no local CloudWatch Logs service, so the group lives in our own collection. */
import { prop, ResourceFailure, type ResourceProvider } from './types';

const key = (region: string, name: string) => `${region}|${name}`;

function retention(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  const allowed = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
  ];
  if (!allowed.includes(n)) throw new ResourceFailure(`Invalid value for RetentionInDays: ${v}`);
  return n;
}

export const logGroup: ResourceProvider = {
  type: 'AWS::Logs::LogGroup',
  attributes: ['Arn'],
  nameProperty: 'LogGroupName',
  generatedNameLength: 512,
  async create(ctx, props) {
    const name = prop.str(props, 'LogGroupName') ?? ctx.generatedName;
    if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name)) throw new ResourceFailure(`Invalid log group name ${name}`);
    const retentionInDays = retention(prop.str(props, 'RetentionInDays'));
    const arn = `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}:*`;
    ctx.store.db.tx(() => {
      if (ctx.store.logGroups.has(key(ctx.region, name))) {
        throw new ResourceFailure(
          `Resource of type 'AWS::Logs::LogGroup' with identifier '${name}' already exists.`,
        );
      }
      ctx.store.logGroups.put(key(ctx.region, name), {
        id: key(ctx.region, name),
        region: ctx.region,
        name,
        arn,
        retentionInDays,
        createdAt: ctx.now(),
      });
    });
    return { physicalId: name, attributes: { Arn: arn } };
  },
  async update(ctx, name, props) {
    const retentionInDays = retention(prop.str(props, 'RetentionInDays'));
    ctx.store.db.tx(() => {
      const g = ctx.store.logGroups.get(key(ctx.region, name));
      if (g) ctx.store.logGroups.put(g.id, { ...g, retentionInDays });
    });
  },
  async find(ctx, name) {
    const g = ctx.store.logGroups.get(key(ctx.region, name));
    return g ? { physicalId: name, attributes: { Arn: g.arn } } : undefined;
  },
  async delete(ctx, name) {
    ctx.store.logGroups.delete(key(ctx.region, name));
  },
};
