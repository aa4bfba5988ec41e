/**
 * Operations of the ECS model whose feature needs a part the local control plane does not have.
 * Each checks its input as ECS does and then answers the way AWS answers when the prerequisite is
 * missing (a namespace that does not exist, a target with no Session Manager agent, no daemon, no
 * Express service), never UnknownOperationException. `UNAVAILABLE` says why, for
 * docs/ecs-operations.md (generated from it and checked by operations-doc.test.ts).
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { AwsError } from '../protocol/errors';
import {
  activeCluster,
  batch,
  ecsResource,
  errors,
  findCluster,
  findTask,
  type Failure,
  type Scope,
} from './common';
import type { Wire } from './model';

/** Why each operation is answered as unavailable, and what it answers. */
export const UNAVAILABLE: ReadonlyMap<string, string> = new Map([
  [
    'ExecuteCommand',
    'ECS Exec opens a Systems Manager Session Manager session to the container; there is no Session Manager here. After the checks ECS makes (cluster, task, container, the task started with execute command enabled, interactive mode), the answer is `TargetNotConnectedException`, as when the managed SSM agent is not connected.',
  ],
  [
    'ListServicesByNamespace',
    'Service Connect namespaces live in AWS Cloud Map, which is not served: no namespace exists, so the answer is `NamespaceNotFoundException`.',
  ],
  [
    'ContinueServiceDeployment',
    'Lifecycle hooks belong to the blue/green deployment strategy, which is not served: no service deployment pauses at a hook, so a known deployment answers `InvalidParameterException` (and an unknown one `ServiceDeploymentNotFoundException`).',
  ],
  [
    'CreateDaemon',
    'ECS Managed Daemons run only on ECS Managed Instances capacity providers, which are not served: after the cluster and daemon task definition checks, `InvalidParameterException` names the capacity provider that is not one.',
  ],
  ['UpdateDaemon', 'No daemon can exist (see CreateDaemon): `DaemonNotFoundException`.'],
  ['DeleteDaemon', 'No daemon can exist (see CreateDaemon): `DaemonNotFoundException`.'],
  ['DescribeDaemon', 'No daemon can exist (see CreateDaemon): `DaemonNotFoundException`.'],
  [
    'ListDaemons',
    'No daemon can exist (see CreateDaemon): an empty list (`ClusterNotFoundException` for an unknown cluster).',
  ],
  ['ListDaemonDeployments', 'No daemon can exist (see CreateDaemon): `DaemonNotFoundException`.'],
  ['DescribeDaemonDeployments', 'No daemon can exist (see CreateDaemon): each ARN is a `MISSING` failure.'],
  ['DescribeDaemonRevisions', 'No daemon can exist (see CreateDaemon): each ARN is a `MISSING` failure.'],
  [
    'CreateExpressGatewayService',
    'Express services provision an Application Load Balancer, certificates and scaling policies through an infrastructure role on a managed domain; that managed part is not served: after the cluster check, `UnsupportedFeatureException`.',
  ],
  [
    'UpdateExpressGatewayService',
    'No Express service can exist (see CreateExpressGatewayService): `ServiceNotFoundException`.',
  ],
  [
    'DeleteExpressGatewayService',
    'No Express service can exist (see CreateExpressGatewayService): `ServiceNotFoundException`.',
  ],
  [
    'DescribeExpressGatewayService',
    'No Express service can exist (see CreateExpressGatewayService): `ResourceNotFoundException`.',
  ],
]);

export function executeCommand(s: Scope, input: Wire<ecs.ExecuteCommandRequest>) {
  const cluster = activeCluster(s, input.cluster);
  const task = findTask(s, cluster, input.task ?? '');
  if (!task || task.task.lastStatus === 'STOPPED') throw errors.invalid('The specified task was not found.');
  const containers = task.task.containers ?? [];
  if (input.container === undefined && containers.length > 1) {
    throw errors.invalid('The task has more than one container: specify the container name.');
  }
  if (input.container !== undefined && !containers.some((c) => c.name === input.container)) {
    throw errors.invalid(`The container ${input.container.slice(0, 255)} is not part of the task.`);
  }
  if (!input.interactive) throw errors.invalid('Interactive is the only mode supported currently.');
  if (!task.task.enableExecuteCommand) {
    throw errors.invalid(
      'The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running. Wait and try the request again or run a new task with execute command enabled and try again.',
    );
  }
  throw new AwsError(
    'TargetNotConnectedException',
    'The execute command failed due to an internal error. Try again later.',
    400,
  );
}

export function listServicesByNamespace(_s: Scope, input: Wire<ecs.ListServicesByNamespaceRequest>) {
  if (input.maxResults !== undefined && (input.maxResults < 1 || input.maxResults > 100)) {
    throw errors.invalid('maxResults must be between 1 and 100.');
  }
  throw new AwsError('NamespaceNotFoundException', 'Namespace not found.', 400);
}

const daemonNotFound = () =>
  new AwsError('DaemonNotFoundException', 'The specified daemon was not found.', 400);

/** The cluster a daemon call names, when it names one: it must be ACTIVE. */
function clusterIfNamed(s: Scope, clusterArn: string | undefined): void {
  if (clusterArn !== undefined) activeCluster(s, clusterArn);
}

/** A daemon ARN's cluster must exist before ECS looks for the daemon in it. */
function daemonCluster(s: Scope, daemonArn: string | undefined): void {
  const resource = ecsResource(s, daemonArn ?? '');
  const parts = resource?.split('/') ?? [];
  if (parts[0] === 'daemon' && parts.length === 3) {
    const cluster = findCluster(s, parts[1]);
    if (!cluster || cluster.cluster.status !== 'ACTIVE') throw errors.clusterNotFound();
  }
}

export function createDaemon(s: Scope, input: Wire<ecs.CreateDaemonRequest>) {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(input.daemonName ?? '')) {
    throw errors.invalid(
      'Invalid daemon name. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.',
    );
  }
  clusterIfNamed(s, input.clusterArn);
  const ref = ecsResource(s, input.daemonTaskDefinitionArn ?? '');
  const td = ref ? s.col.daemonTaskDefinitions.get(input.daemonTaskDefinitionArn ?? '') : undefined;
  if (!td || td.definition.status !== 'ACTIVE') {
    throw errors.invalid('The daemon task definition does not exist or is not ACTIVE.');
  }
  const first = (input.capacityProviderArns ?? [])[0];
  if (first === undefined) throw errors.invalid('capacityProviderArns cannot be empty.');
  throw errors.invalid(
    `ECS Managed Daemons is only supported for Amazon ECS Managed Instances capacity providers: ${first.slice(0, 1600)} is not one.`,
  );
}

export function updateDaemon(s: Scope, input: Wire<ecs.UpdateDaemonRequest>) {
  daemonCluster(s, input.daemonArn);
  throw daemonNotFound();
}

export function deleteDaemon(s: Scope, input: Wire<ecs.DeleteDaemonRequest>) {
  daemonCluster(s, input.daemonArn);
  throw daemonNotFound();
}

export function describeDaemon(s: Scope, input: Wire<ecs.DescribeDaemonRequest>) {
  daemonCluster(s, input.daemonArn);
  throw daemonNotFound();
}

export function listDaemons(s: Scope, input: Wire<ecs.ListDaemonsRequest>) {
  if (input.maxResults !== undefined && (input.maxResults < 1 || input.maxResults > 100)) {
    throw errors.invalid('maxResults must be between 1 and 100.');
  }
  clusterIfNamed(s, input.clusterArn);
  return { daemonSummariesList: [] };
}

export function listDaemonDeployments(s: Scope, input: Wire<ecs.ListDaemonDeploymentsRequest>) {
  daemonCluster(s, input.daemonArn);
  throw daemonNotFound();
}

const allMissing = (arns: string[]): Failure[] =>
  arns.map((arn) => ({ arn: arn.slice(0, 1600), reason: 'MISSING' }));

export function describeDaemonDeployments(_s: Scope, input: Wire<ecs.DescribeDaemonDeploymentsRequest>) {
  const arns = batch(input.daemonDeploymentArns, 'daemonDeploymentArns', 20);
  return { daemonDeployments: [], failures: allMissing(arns) };
}

export function describeDaemonRevisions(_s: Scope, input: Wire<ecs.DescribeDaemonRevisionsRequest>) {
  const arns = batch(input.daemonRevisionArns, 'daemonRevisionArns', 20);
  return { daemonRevisions: [], failures: allMissing(arns) };
}

export function createExpressGatewayService(s: Scope, input: Wire<ecs.CreateExpressGatewayServiceRequest>) {
  activeCluster(s, input.cluster);
  throw new AwsError(
    'UnsupportedFeatureException',
    'Amazon ECS Express services are not supported in this Region.',
    400,
  );
}

export function updateExpressGatewayService(_s: Scope, _input: Wire<ecs.UpdateExpressGatewayServiceRequest>) {
  throw errors.serviceNotFound();
}

export function deleteExpressGatewayService(_s: Scope, _input: Wire<ecs.DeleteExpressGatewayServiceRequest>) {
  throw errors.serviceNotFound();
}

export function describeExpressGatewayService(
  _s: Scope,
  _input: Wire<ecs.DescribeExpressGatewayServiceRequest>,
) {
  throw errors.resourceNotFound('The specified Express service was not found.');
}
