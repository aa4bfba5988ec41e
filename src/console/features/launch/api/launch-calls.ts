import type { ApiCall } from '../../../../blueprint/cli-command';
/** The launch's AWS calls, each sending exactly the blueprint's input. */
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type CreateServiceCommandInput,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { withTargetGroupArn, type Blueprint } from '../../../../blueprint';
import { cloudFormationClient } from '../../../aws/cloudformation';
import { ecsClient } from '../../../aws/ecs';
import { toAwsError } from '../../../aws/errors';
import { stackPhase } from '../launch-steps';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function createCluster(region: string, bp: Blueprint): Promise<string> {
  const out = await ecsClient(region).send(new CreateClusterCommand(bp.inputs.createCluster));
  return out.cluster?.clusterArn ?? bp.inputs.createCluster.clusterName;
}

export async function registerTaskDefinition(region: string, bp: Blueprint): Promise<string> {
  // The blueprint's input is the ECS API shape; the SDK types its enums (log driver, protocol) more narrowly.
  const input = bp.inputs.registerTaskDefinition as RegisterTaskDefinitionCommandInput;
  const out = await ecsClient(region).send(new RegisterTaskDefinitionCommand(input));
  const arn = out.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error('RegisterTaskDefinition answered without a task definition ARN.');
  return arn;
}

/** The stack by name or id, or null when CloudFormation says it does not exist. */
export async function describeStack(region: string, stackName: string): Promise<Stack | null> {
  try {
    const out = await cloudFormationClient(region).send(new DescribeStacksCommand({ StackName: stackName }));
    return out.Stacks?.[0] ?? null;
  } catch (e) {
    const err = toAwsError(e);
    if (err.code === 'ValidationError' && /does not exist/i.test(err.message)) return null;
    throw e;
  }
}

async function waitUntilDeleted(region: string, stackId: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const stack = await describeStack(region, stackId);
    if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return;
    if (stack.StackStatus === 'DELETE_FAILED') {
      throw Object.assign(new Error(stack.StackStatusReason ?? 'The stack could not be deleted.'), {
        name: 'DELETE_FAILED',
      });
    }
    await sleep(1000);
  }
  throw Object.assign(new Error('The stack is still being deleted after 10 minutes.'), { name: 'Timeout' });
}

/**
 * CreateStack with the blueprint's template and parameters. A stack of that name that failed before is
 * deleted first (CloudFormation cannot re-create over it); one that is being created or exists is reused.
 */
export async function createStack(region: string, bp: Blueprint): Promise<string> {
  const existing = await describeStack(region, bp.stackName);
  if (existing?.StackId && existing.StackStatus) {
    const phase = stackPhase(existing.StackStatus);
    if (phase === 'complete' || phase === 'in-progress') return existing.StackId;
    if (phase === 'failed')
      await cloudFormationClient(region).send(new DeleteStackCommand({ StackName: existing.StackId }));
    await waitUntilDeleted(region, existing.StackId);
  }
  const out = await cloudFormationClient(region).send(
    new CreateStackCommand({
      StackName: bp.stackName,
      TemplateBody: bp.templateJson,
      Parameters: bp.stackParameters,
      Capabilities: ['CAPABILITY_IAM'],
    }),
  );
  if (!out.StackId) throw new Error('CreateStack answered without a stack id.');
  return out.StackId;
}

/**
 * CreateService with the blueprint's input; with a load balancer, the target group comes from the stack
 * outputs. Fargate: the stack created the service (AWS::ECS::Service), so its ARN is the stack's
 * `ServiceArn` output and nothing is sent.
 */
export async function createService(
  region: string,
  bp: Blueprint,
  stack: Stack | undefined,
): Promise<string> {
  let input = bp.inputs.createService;
  if (!input) {
    const serviceArn = stack?.Outputs?.find((o) => o.OutputKey === 'ServiceArn')?.OutputValue;
    if (!serviceArn)
      throw Object.assign(new Error('The stack has no ServiceArn output.'), { name: 'MissingOutput' });
    return serviceArn;
  }
  if (input.loadBalancers) {
    const arn = stack?.Outputs?.find((o) => o.OutputKey === 'TargetGroupArn')?.OutputValue;
    if (!arn)
      throw Object.assign(new Error('The stack has no TargetGroupArn output.'), { name: 'MissingOutput' });
    input = withTargetGroupArn(input, arn);
  }
  const out = await ecsClient(region).send(new CreateServiceCommand(input as CreateServiceCommandInput));
  const arn = out.service?.serviceArn;
  if (!arn) throw new Error('CreateService answered without a service ARN.');
  await setUpScaling(region, bp);
  return arn;
}

/** EC2 with auto scaling: RegisterScalableTarget then PutScalingPolicy, exactly the blueprint's inputs. */
async function setUpScaling(region: string, bp: Blueprint): Promise<void> {
  const { registerScalableTarget, putScalingPolicy } = bp.inputs;
  if (!registerScalableTarget || !putScalingPolicy) return;
  const sdk = await import('../../../aws/application-autoscaling');
  const client = sdk.appAutoScalingClient(region);
  await client.send(new sdk.RegisterScalableTargetCommand(registerScalableTarget));
  await client.send(new sdk.PutScalingPolicyCommand(putScalingPolicy));
}

const gone = (e: unknown) => /ServiceNotFound|ServiceNotActive|ClusterNotFound/.test(toAwsError(e).code);

type DeleteTarget = { cluster: string; serviceArn?: string; stackId?: string };

/** The service the delete scales down and deletes itself: none on Fargate, where the stack owns it. */
export function serviceToDelete(bp: Blueprint, serviceArn: string | undefined): string | undefined {
  return bp.inputs.createService ? serviceArn : undefined;
}

/** The call a launch step shows: on Fargate the service step reads the stack's output. */
export function stepCall(bp: Blueprint, step: { id: string; call: string }): string {
  if (step.id !== 'service') return step.call;
  if (!bp.inputs.createService) return 'CloudFormation AWS::ECS::Service (stack output ServiceArn)';
  return bp.inputs.registerScalableTarget
    ? `${step.call}, Application Auto Scaling RegisterScalableTarget and PutScalingPolicy`
    : step.call;
}

/** What "Delete stack and service" sends, in order (shown in its confirmation). */
export function deleteLaunchCalls(target: DeleteTarget): ApiCall[] {
  const calls: ApiCall[] = [];
  if (target.serviceArn) {
    const service = { cluster: target.cluster, service: target.serviceArn };
    calls.push({ service: 'ecs', operation: 'UpdateService', input: { ...service, desiredCount: 0 } });
    calls.push({ service: 'ecs', operation: 'DeleteService', input: { ...service, force: true } });
  }
  if (target.stackId)
    calls.push({ service: 'cloudformation', operation: 'DeleteStack', input: { StackName: target.stackId } });
  return calls;
}

/** Delete: the service (scaled to 0 first), then the stack, waiting until it is gone. */
export async function deleteLaunch(region: string, target: DeleteTarget): Promise<void> {
  if (target.serviceArn) {
    const ecs = ecsClient(region);
    const service = { cluster: target.cluster, service: target.serviceArn };
    try {
      await ecs.send(new UpdateServiceCommand({ ...service, desiredCount: 0 }));
      await ecs.send(new DeleteServiceCommand({ ...service, force: true }));
    } catch (e) {
      if (!gone(e)) throw e;
    }
  }
  if (target.stackId) {
    await cloudFormationClient(region).send(new DeleteStackCommand({ StackName: target.stackId }));
    await waitUntilDeleted(region, target.stackId);
  }
}
