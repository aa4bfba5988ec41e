import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useClusterStack } from '../../../aws/queries/cluster-stack';
import { useServices } from '../../../aws/queries/services';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { notify } from '../../../lib/notices';
import { deleteCalls, useDeleteCluster, type DeletePlan } from '../api/delete-cluster';

/** Delete cluster: says what goes (services, the stack and its instances, tasks), asks for the name. */
export function DeleteCluster({ cluster, runningTasks }: { cluster: string; runningTasks: number }) {
  const [open, setOpen] = useState(false);
  const [lines, setLines] = useState<string[]>([]);
  const services = useServices(open ? cluster : '');
  const stack = useClusterStack(open ? cluster : '');
  const remove = useDeleteCluster();
  const navigate = useNavigate();
  const live = (services.data ?? []).filter((s) => s.status === 'ACTIVE');
  const draining = (services.data ?? []).filter((s) => s.status === 'DRAINING');
  const stackLive = stack.data && stack.data.StackStatus !== 'DELETE_COMPLETE' ? stack.data : undefined;
  const plan: DeletePlan = {
    cluster,
    services: live.map((s) => s.serviceName ?? ''),
    draining: draining.map((s) => s.serviceName ?? ''),
    ...(stackLive?.StackId && { stackId: stackLive.StackId, stackName: stackLive.StackName }),
  };
  const ready = services.data !== undefined && stack.data !== undefined;
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete cluster
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete cluster ${cluster}`}
        confirmLabel="Delete cluster"
        typeToConfirm={{ label: 'Cluster name', value: cluster }}
        calls={ready ? deleteCalls(plan) : undefined}
        pending={remove.isPending || !ready}
        error={remove.error}
        errorTitle="The cluster was not deleted"
        onConfirm={() => {
          setLines([]);
          remove.mutate(
            { plan, progress: (line) => setLines((l) => [...l, line]) },
            {
              onSuccess: () => {
                notify('success', `Cluster ${cluster} deleted.`);
                void navigate('/clusters');
              },
            },
          );
        }}
      >
        <p>This deletes, in order:</p>
        <ul className="list-disc pl-5" data-testid="delete-cluster-plan">
          {!ready && <li>…reading what the cluster holds</li>}
          {ready && live.length === 0 && draining.length === 0 && <li>no services (there are none)</li>}
          {draining.map((s) => (
            <li key={s.serviceArn}>
              service <strong>{s.serviceName}</strong>, already being deleted: its tasks stop first
            </li>
          ))}
          {live.map((s) => (
            <li key={s.serviceArn}>
              service <strong>{s.serviceName}</strong> ({s.runningCount ?? 0} running tasks)
            </li>
          ))}
          {runningTasks > 0 && <li>every task still running ({runningTasks} now)</li>}
          {stackLive ? (
            <li>
              the stack <strong>{stackLive.StackName}</strong> ({stackLive.StackStatus}): its Auto Scaling
              group, instances, VPC and security group
            </li>
          ) : (
            ready && (
              <li>
                no stack named EC2ContainerService-{cluster} (container instances registered otherwise must be
                deregistered first)
              </li>
            )
          )}
          <li>
            the cluster <strong>{cluster}</strong>
          </li>
        </ul>
        {lines.length > 0 && (
          <ol
            className="mt-2 space-y-0.5 font-mono text-xs"
            aria-label="Progress"
            data-testid="delete-progress"
          >
            {lines.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ol>
        )}
      </ConfirmDialog>
    </>
  );
}
