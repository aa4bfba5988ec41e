import { DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  ListTasksCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiCall } from '../../../../blueprint/cli-command';
import { useRegion } from '../../../aws/backend';
import { cloudFormationClient } from '../../../aws/cloudformation';
import { ecsClient } from '../../../aws/ecs';
import { toAwsError } from '../../../aws/errors';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface DeletePlan {
  cluster: string;
  /** ACTIVE services: deleted. */
  services: string[];
  /** Services already being deleted (DRAINING): waited for. */
  draining?: string[];
  /** The cluster's stack (its Auto Scaling group of instances), by id. */
  stackId?: string;
  stackName?: string;
}

/** The calls "Delete cluster" makes, in order (tasks still running after the services go are stopped too). */
export function deleteCalls(plan: DeletePlan): ApiCall[] {
  return [
    ...plan.services.map((service) => ({
      service: 'ecs',
      operation: 'DeleteService',
      input: { cluster: plan.cluster, service, force: true },
    })),
    ...(plan.stackId
      ? [{ service: 'cloudformation', operation: 'DeleteStack', input: { StackName: plan.stackId } }]
      : []),
    { service: 'ecs', operation: 'DeleteCluster', input: { cluster: plan.cluster } },
  ];
}

async function until(what: string, check: () => Promise<boolean>, seconds = 600): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    if (await check()) return;
    await sleep(1000);
  }
  throw Object.assign(new Error(`${what} after ${seconds} s.`), { name: 'Timeout' });
}

/**
 * Deletes the services (force), stops the tasks left, deletes the stack and waits until it is gone (its
 * instances deregister), waits for the services to become INACTIVE, then DeleteCluster. `progress` says
 * what is happening; any AWS error stops it, shown verbatim.
 */
export function useDeleteCluster() {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ plan, progress }: { plan: DeletePlan; progress: (line: string) => void }) => {
      const ecs = ecsClient(region);
      const cfn = cloudFormationClient(region);
      const { cluster } = plan;
      for (const service of plan.services) {
        progress(`DeleteService ${service}`);
        await ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
      }
      const running =
        (await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }))).taskArns ?? [];
      for (const task of running) {
        progress(`StopTask ${task.split('/').pop() ?? task}`);
        await ecs.send(new StopTaskCommand({ cluster, task, reason: `Cluster ${cluster} is being deleted` }));
      }
      if (plan.stackId) {
        progress(`DeleteStack ${plan.stackName ?? plan.stackId}, waiting for DELETE_COMPLETE`);
        await cfn.send(new DeleteStackCommand({ StackName: plan.stackId }));
        await until(`The stack ${plan.stackName ?? plan.stackId} is still not deleted`, async () => {
          const s = (await cfn.send(new DescribeStacksCommand({ StackName: plan.stackId }))).Stacks?.[0];
          if (s?.StackStatus === 'DELETE_FAILED')
            throw Object.assign(new Error(s.StackStatusReason ?? 'The stack could not be deleted.'), {
              name: 'DELETE_FAILED',
            });
          return !s || s.StackStatus === 'DELETE_COMPLETE';
        });
      }
      const waitFor = [...plan.services, ...(plan.draining ?? [])];
      if (waitFor.length) {
        progress('Waiting for the services to drain (INACTIVE)');
        await until('The services still drain', async () => {
          const out = await ecs.send(new DescribeServicesCommand({ cluster, services: waitFor }));
          return (out.services ?? []).every((s) => s.status === 'INACTIVE');
        });
      }
      progress(`DeleteCluster ${cluster}`);
      for (let attempt = 0; ; attempt++) {
        try {
          await ecs.send(new DeleteClusterCommand({ cluster }));
          return;
        } catch (e) {
          // Tasks stopping after their instance went away: give them a moment, then say why.
          if (toAwsError(e).code !== 'ClusterContainsTasksException' || attempt >= 30) throw e;
          await sleep(1000);
        }
      }
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['aws', region, 'ecs'] }),
  });
}
