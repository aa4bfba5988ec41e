/**
 * What the service and run-task forms pick from: VPCs, their subnets and security groups (EC2), and ELB
 * target groups. Long lists page with the API's token (MaxResults/NextToken, PageSize/Marker): a large
 * account's 2,000 subnets are never read at once; the pickers search what is loaded and load more.
 */
import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type SecurityGroup,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, type TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ec2Client } from '../ec2';
import { elbv2Client } from '../elbv2';
import { pagedQuery, usePaged } from '../paged';

/** Items per page of the EC2 and ELB describes the pickers read (EC2 takes 5-1000, ELB 1-400). */
export const NETWORK_PAGE = 100;
const NETWORK_STALE_MS = 30_000;

/** Every VPC of the region (accounts have a handful: 5 per region by default). */
export function vpcsQuery(region: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ec2', 'DescribeVpcs'),
    queryFn: async ({ signal }): Promise<Vpc[]> => {
      const out: Vpc[] = [];
      let NextToken: string | undefined;
      do {
        const page = await ec2Client(region).send(
          new DescribeVpcsCommand({ MaxResults: NETWORK_PAGE, NextToken }),
          {
            abortSignal: signal,
          },
        );
        out.push(...(page.Vpcs ?? []));
        NextToken = page.NextToken;
      } while (NextToken);
      return out;
    },
    staleTime: NETWORK_STALE_MS,
  });
}

export function useVpcs() {
  const { region } = useRegion();
  return useQuery(vpcsQuery(region));
}

const vpcFilter = (vpcId: string) => [{ Name: 'vpc-id', Values: [vpcId] }];

export function subnetsPagedQuery(region: string, vpcId: string) {
  return pagedQuery<Subnet>({
    queryKey: awsQueryKey(region, 'ec2', 'DescribeSubnets', { vpcId, paged: true }),
    enabled: vpcId !== '',
    fetchPage: async (NextToken, signal) => {
      const page = await ec2Client(region).send(
        new DescribeSubnetsCommand({ Filters: vpcFilter(vpcId), MaxResults: NETWORK_PAGE, NextToken }),
        { abortSignal: signal },
      );
      return { items: page.Subnets ?? [], ...(page.NextToken && { nextToken: page.NextToken }) };
    },
  });
}

export function useSubnets(vpcId: string) {
  const { region } = useRegion();
  return usePaged(subnetsPagedQuery(region, vpcId));
}

export function securityGroupsPagedQuery(region: string, vpcId: string) {
  return pagedQuery<SecurityGroup>({
    queryKey: awsQueryKey(region, 'ec2', 'DescribeSecurityGroups', { vpcId, paged: true }),
    enabled: vpcId !== '',
    fetchPage: async (NextToken, signal) => {
      const page = await ec2Client(region).send(
        new DescribeSecurityGroupsCommand({ Filters: vpcFilter(vpcId), MaxResults: NETWORK_PAGE, NextToken }),
        { abortSignal: signal },
      );
      return { items: page.SecurityGroups ?? [], ...(page.NextToken && { nextToken: page.NextToken }) };
    },
  });
}

export function useSecurityGroups(vpcId: string) {
  const { region } = useRegion();
  return usePaged(securityGroupsPagedQuery(region, vpcId));
}

/**
 * The subnets with these ids, by filter (an unknown id is left out rather than failing the call): a form
 * opened on a service learns the VPC of the subnets it already uses.
 */
export function subnetsByIdQuery(region: string, ids: string[]) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ec2', 'DescribeSubnets', { ids }),
    enabled: ids.length > 0,
    queryFn: async ({ signal }) =>
      (
        await ec2Client(region).send(
          new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: ids.slice(0, 200) }] }),
          { abortSignal: signal },
        )
      ).Subnets ?? [],
    staleTime: NETWORK_STALE_MS,
  });
}

export function useSubnetsById(ids: string[]) {
  const { region } = useRegion();
  return useQuery(subnetsByIdQuery(region, ids));
}

export function targetGroupsPagedQuery(region: string) {
  return pagedQuery<TargetGroup>({
    queryKey: awsQueryKey(region, 'elasticloadbalancingv2', 'DescribeTargetGroups', { paged: true }),
    fetchPage: async (Marker, signal) => {
      const page = await elbv2Client(region).send(
        new DescribeTargetGroupsCommand({ PageSize: NETWORK_PAGE, Marker }),
        { abortSignal: signal },
      );
      return { items: page.TargetGroups ?? [], ...(page.NextMarker && { nextToken: page.NextMarker }) };
    },
  });
}

export function useTargetGroups() {
  const { region } = useRegion();
  return usePaged(targetGroupsPagedQuery(region));
}

/** An EC2 resource's Name tag, if it has one. */
export function nameTag(tags: Array<{ Key?: string; Value?: string }> | undefined): string | undefined {
  return tags?.find((t) => t.Key === 'Name')?.Value || undefined;
}
