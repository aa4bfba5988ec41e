import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';
import { pollMs, pollUnlessGone, TRANSITION_POLL_MS, type PollRates } from '../poll';

/** DescribeServiceDeployments and DescribeServiceRevisions take at most 20 ARNs per call. */
const DESCRIBE_BATCH = 20;

/** How many of the newest deployments the history shows (one ListServiceDeployments page). */
export const HISTORY_SIZE = 20;

/** Statuses after which a service deployment does not change any more. */
const FINAL = new Set(['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']);

export const deploymentFinished = (d: Pick<ServiceDeployment, 'status'>): boolean =>
  FINAL.has(d.status ?? '');

/** A deployment of the history with the task definition its target revision runs. */
export interface DeploymentEntry extends ServiceDeployment {
  /** The target service revision's task definition (from DescribeServiceRevisions). */
  targetTaskDefinition?: string;
}

const batches = <T>(items: T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += DESCRIBE_BATCH) out.push(items.slice(i, i + DESCRIBE_BATCH));
  return out;
};

/**
 * The newest service deployments of a service, newest first: ListServiceDeployments (one page of
 * HISTORY_SIZE), DescribeServiceDeployments for their details, DescribeServiceRevisions for the task
 * definition each deployment moves to.
 */
export async function listServiceDeployments(
  region: string,
  cluster: string,
  service: string,
): Promise<DeploymentEntry[]> {
  const ecs = ecsClient(region);
  const listed = await ecs.send(
    new ListServiceDeploymentsCommand({ cluster, service, maxResults: HISTORY_SIZE }),
  );
  const arns = (listed.serviceDeployments ?? []).flatMap((d) =>
    d.serviceDeploymentArn ? [d.serviceDeploymentArn] : [],
  );
  const described = await Promise.all(
    batches(arns).map((serviceDeploymentArns) =>
      ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns })),
    ),
  );
  const deployments = described.flatMap((d) => d.serviceDeployments ?? []);
  const revisionArns = [
    ...new Set(
      deployments.flatMap((d) => (d.targetServiceRevision?.arn ? [d.targetServiceRevision.arn] : [])),
    ),
  ];
  const revisions = await Promise.all(
    batches(revisionArns).map((serviceRevisionArns) =>
      ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns })),
    ),
  );
  const taskDefinitionOf = new Map(
    revisions.flatMap((r) => r.serviceRevisions ?? []).map((r) => [r.serviceRevisionArn, r.taskDefinition]),
  );
  return deployments
    .map((d) => ({ ...d, targetTaskDefinition: taskDefinitionOf.get(d.targetServiceRevision?.arn) }))
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
}

/** While a deployment is under way the history is read at the transition rate; settled, as services are. */
export const SERVICE_DEPLOYMENTS_POLL: PollRates = { changing: TRANSITION_POLL_MS, settled: 15_000 };

export function serviceDeploymentsQuery(
  region: string,
  cluster: string,
  service: string,
  poll: PollRates = SERVICE_DEPLOYMENTS_POLL,
) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListServiceDeployments+DescribeServiceDeployments', {
      cluster,
      service,
    }),
    enabled: cluster !== '' && service !== '',
    queryFn: () => listServiceDeployments(region, cluster, service),
    refetchInterval: pollUnlessGone((q) =>
      pollMs(
        poll,
        (q.state.data as DeploymentEntry[] | undefined)?.some((d) => !deploymentFinished(d)) ?? false,
      ),
    ),
    refetchIntervalInBackground: false,
  });
}

export function useServiceDeployments(cluster: string, service: string, poll?: PollRates) {
  const { region } = useRegion();
  return useQuery({
    ...serviceDeploymentsQuery(region, cluster, service, poll),
    placeholderData: keepPreviousData,
  });
}
