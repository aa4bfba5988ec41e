import type { Service } from '@aws-sdk/client-ecs';
import { useMemo, useState } from 'react';
import { useClusterStack } from '../../../aws/queries/cluster-stack';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { notify } from '../../../lib/notices';
import { addInstanceInput } from '../add-instance';
import { useAddInstance } from '../api/add-instance';
import { useContainerInstances } from '../../../aws/queries/container-instances';
import { familyOf, revisionOf } from '../../../aws/queries/task-definition-revisions';
import { useTaskDefinition } from '../../../aws/queries/task-definition';
import { ButtonLink } from '../../../components/ui/button';
import { diagnose, isStuck, type Fix } from '../stuck';

function FixLink({ fix, cluster, service }: { fix: Fix; cluster: string; service: Service }) {
  const name = service.serviceName ?? '';
  const update = `/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(name)}/update`;
  switch (fix.id) {
    case 'lower-minimum':
      return (
        <li>
          <ButtonLink
            size="sm"
            variant="primary"
            to={`${update}?minimumHealthyPercent=${fix.minimumHealthyPercent}`}
          >
            Lower the minimum healthy percent to {fix.minimumHealthyPercent} %
          </ButtonLink>
          <p className="mt-1 text-xs">
            ECS may then stop one old task first and start a new one in its place.
          </p>
        </li>
      );
    case 'dynamic-host-port': {
      const primary = service.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? '';
      const from = `${familyOf(primary)}:${revisionOf(primary) ?? ''}`;
      return (
        <li>
          <ButtonLink
            size="sm"
            to={`/create-task-definition?from=${encodeURIComponent(from)}&dynamicHostPorts=1&deployTo=${encodeURIComponent(`${cluster}/${name}`)}`}
          >
            Use a dynamic host port
          </ButtonLink>
          <p className="mt-1 text-xs">
            A new revision with host port 0 instead of {fix.ports.join(', ')}, then the update form to deploy
            it: several tasks then fit on one instance.
          </p>
        </li>
      );
    }
    case 'add-instances':
      return <AddInstance cluster={cluster} />;
  }
}

/** One more instance through the cluster's stack (UpdateStack), else a pointer to the instances tab. */
function AddInstance({ cluster }: { cluster: string }) {
  const stack = useClusterStack(cluster);
  const add = useAddInstance();
  const [open, setOpen] = useState(false);
  const input = stack.data ? addInstanceInput(stack.data) : null;
  if (!input || !stack.data?.StackStatus?.endsWith('_COMPLETE'))
    return (
      <li>
        <ButtonLink size="sm" to={`/clusters/${encodeURIComponent(cluster)}?tab=instances`}>
          Add instances
        </ButtonLink>
        <p className="mt-1 text-xs">
          Register more container instances in the cluster to give the new tasks room.
        </p>
      </li>
    );
  const size = (input['Parameters'] as Array<{ ParameterKey?: string; ParameterValue?: string }>).find(
    (p) => p.ParameterKey === 'AsgMaxSize',
  )?.ParameterValue;
  return (
    <li>
      <Button size="sm" onClick={() => setOpen(true)}>
        Add an instance
      </Button>
      <p className="mt-1 text-xs">
        The stack {stack.data.StackName} grows its Auto Scaling group to {size}.
      </p>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title="Add an instance"
        confirmLabel="Update the stack"
        danger={false}
        calls={[{ service: 'cloudformation', operation: 'UpdateStack', input }]}
        pending={add.isPending}
        error={add.error}
        errorTitle="CloudFormation refused the update"
        onConfirm={() =>
          add.mutate(input, {
            onSuccess: () => {
              notify(
                'success',
                `${stack.data?.StackName ?? 'The stack'} is adding an instance (${size} in all).`,
              );
              setOpen(false);
            },
          })
        }
      >
        <p>
          UpdateStack of {stack.data.StackName} with the same template and AsgMaxSize {size}: one more EC2
          instance joins the cluster, and the deployment can place a task on it.
        </p>
      </ConfirmDialog>
    </li>
  );
}

/** When the newest deployment cannot place its tasks: what blocks it, in plain words, and the ways out. */
export function StuckHint({ cluster, service }: { cluster: string; service: Service }) {
  const stuck = isStuck(service);
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? '';
  const td = useTaskDefinition(stuck ? familyOf(primary) : '', stuck ? revisionOf(primary) : undefined);
  const instances = useContainerInstances(stuck ? cluster : '');
  const diagnosis = useMemo(
    () =>
      stuck
        ? diagnose({ service, taskDefinition: td.data?.taskDefinition, instances: instances.data })
        : null,
    [stuck, service, td.data, instances.data],
  );
  if (!diagnosis) return null;
  return (
    <section
      aria-labelledby="stuck-heading"
      data-testid="stuck-hint"
      className="mb-6 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      <h2 id="stuck-heading" className="text-base font-semibold">
        Why the deployment is stuck
      </h2>
      <p className="mt-1" data-testid="stuck-summary">
        {diagnosis.summary}
      </p>
      <ul className="mt-3 flex flex-wrap gap-4">
        {diagnosis.fixes.map((f) => (
          <FixLink key={f.id} fix={f} cluster={cluster} service={service} />
        ))}
      </ul>
    </section>
  );
}
