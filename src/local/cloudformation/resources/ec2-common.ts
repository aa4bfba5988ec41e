/** Helpers shared by the EC2 resource providers. */
import type { Props, ResourceContext } from './types';
import { prop, tagList } from './types';

/** `TagSpecifications` for an EC2 Create* call: the resource's Tags plus the stack's tags. */
export function tagSpecification(resourceType: string, props: Props, ctx: ResourceContext) {
  const tags = tagList(props, ctx);
  return tags.length ? [{ ResourceType: resourceType, Tags: tags }] : undefined;
}

/** Re-applies tags after an update: removes the keys that went away, sets the rest. */
export async function retag(
  ctx: ResourceContext,
  resourceId: string,
  props: Props,
  previous: Props,
): Promise<void> {
  const now = tagList(props, ctx);
  const before = tagList(previous, ctx);
  const gone = before.filter((t) => !now.some((n) => n.Key === t.Key));
  if (gone.length)
    await ctx.call('ec2', 'DeleteTags', { Resources: [resourceId], Tags: gone.map((t) => ({ Key: t.Key })) });
  if (now.length) await ctx.call('ec2', 'CreateTags', { Resources: [resourceId], Tags: now });
}

/**
 * Deletes an EC2 resource that other resources may still use: EC2 answers DependencyViolation until
 * they are gone (instances terminating, subnets deleted), so the call is retried until it succeeds or
 * `timeoutMs` passes, as CloudFormation does. A resource already gone counts as deleted.
 */
export async function deleteWhenUnused(
  ctx: ResourceContext,
  what: string,
  action: string,
  input: Record<string, string>,
  notFound: string[],
  timeoutMs: number,
): Promise<void> {
  await ctx.waitUntil(
    `${what} to have no dependencies`,
    async () => {
      try {
        await ctx.callIgnoring('ec2', action, input, notFound);
        return true;
      } catch (e) {
        if ((e as { code?: string }).code === 'DependencyViolation') return false;
        throw e;
      }
    },
    timeoutMs,
  );
}

/** A security group rule as the template writes it -> the API's IpPermissions entry. */
export function ipPermission(rule: Props) {
  const cidr = prop.str(rule, 'CidrIp');
  const group = prop.str(rule, 'SourceSecurityGroupId') ?? prop.str(rule, 'DestinationSecurityGroupId');
  const protocol = prop.str(rule, 'IpProtocol') ?? '-1';
  return {
    IpProtocol: protocol,
    FromPort: prop.str(rule, 'FromPort'),
    ToPort: prop.str(rule, 'ToPort'),
    IpRanges: cidr ? [{ CidrIp: cidr, Description: prop.str(rule, 'Description') }] : undefined,
    UserIdGroupPairs: group ? [{ GroupId: group }] : undefined,
  };
}

/** A `LaunchTemplate` property (id or name, and version) as the EC2 and Auto Scaling APIs take it. */
export function launchTemplateSpec(props: Props) {
  const lt = prop.obj(props, 'LaunchTemplate');
  return lt
    ? {
        LaunchTemplateId: prop.str(lt, 'LaunchTemplateId'),
        LaunchTemplateName: prop.str(lt, 'LaunchTemplateName'),
        Version: prop.str(lt, 'Version'),
      }
    : undefined;
}

export const NOT_FOUND = {
  vpc: ['InvalidVpcID.NotFound'],
  subnet: ['InvalidSubnetID.NotFound'],
  igw: ['InvalidInternetGatewayID.NotFound'],
  rtb: ['InvalidRouteTableID.NotFound'],
  sg: ['InvalidGroup.NotFound', 'InvalidGroupId.NotFound'],
};
