import type { Service } from '@aws-sdk/client-ecs';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { familyOf, useRevisions } from '../../../aws/queries/task-definition-revisions';
import { Button, ButtonLink } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { ErrorState } from '../../../components/ui/error-state';
import { lastPart } from '../../../lib/format';
import { notify } from '../../../lib/notices';
import { useDeleteService } from '../api/delete-service';
import { useUpdateService } from '../api/update-service';

const input =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900';

/** Scale, move to another revision, force a new deployment (confirmed), the update form, delete (confirmed). */
export function ServiceActions({ cluster, service }: { cluster: string; service: Service }) {
  const name = service.serviceName ?? '';
  const update = useUpdateService(cluster, name);
  const remove = useDeleteService(cluster, name);
  const navigate = useNavigate();
  const family = familyOf(service.taskDefinition ?? '');
  const revisions = useRevisions(family);
  const arns = (revisions.data ?? []).map((r) => r.arn);
  const [desired, setDesired] = useState(String(service.desiredCount ?? 0));
  const [revision, setRevision] = useState(service.taskDefinition ?? '');
  const [dialog, setDialog] = useState<'force' | 'delete' | null>(null);
  const [force, setForce] = useState(true);

  const onScale = (e: FormEvent) => {
    e.preventDefault();
    const before = service.desiredCount ?? 0;
    update.mutate(
      { cluster, service: name, desiredCount: Number(desired) },
      {
        onSuccess: () =>
          notify(
            'success',
            `Desired count of ${name} set to ${desired} (was ${before}). ECS is adjusting the tasks.`,
          ),
      },
    );
  };
  const onRevision = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      { cluster, service: name, taskDefinition: revision },
      { onSuccess: () => notify('success', `${name} is deploying ${lastPart(revision)}.`) },
    );
  };
  const forceInput = { cluster, service: name, forceNewDeployment: true };
  const deleteInput = { cluster, service: name, force };

  return (
    <section aria-label="Service actions" className="mb-6 space-y-3">
      <div className="flex flex-wrap items-end gap-4">
        <form onSubmit={onScale} className="flex items-end gap-2">
          <label className="flex flex-col gap-1 text-sm">
            <span className="text-xs text-slate-600 dark:text-slate-400">Desired tasks</span>
            <input
              type="number"
              min={0}
              max={10000}
              required
              value={desired}
              onChange={(e) => setDesired(e.target.value)}
              className={`${input} w-24`}
            />
          </label>
          <Button type="submit" disabled={update.isPending}>
            Update desired count
          </Button>
        </form>
        <form onSubmit={onRevision} className="flex items-end gap-2">
          <label className="flex flex-col gap-1 text-sm">
            <span className="text-xs text-slate-600 dark:text-slate-400">Task definition revision</span>
            <select value={revision} onChange={(e) => setRevision(e.target.value)} className={input}>
              {!arns.includes(revision) && <option value={revision}>{lastPart(revision)}</option>}
              {arns.map((arn) => (
                <option key={arn} value={arn}>
                  {lastPart(arn)}
                  {arn === service.taskDefinition ? ' (current)' : ''}
                </option>
              ))}
            </select>
          </label>
          <Button type="submit" disabled={update.isPending || revision === service.taskDefinition}>
            Update revision
          </Button>
        </form>
        <Button disabled={update.isPending} onClick={() => setDialog('force')}>
          Force new deployment
        </Button>
        <ButtonLink
          variant="primary"
          to={`/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(name)}/update`}
        >
          Update service
        </ButtonLink>
        <Button variant="danger" onClick={() => setDialog('delete')}>
          Delete service
        </Button>
      </div>
      {update.isError && dialog === null && (
        <ErrorState title="Could not update the service" error={update.error} />
      )}
      {revisions.isError && (
        <ErrorState title={`Could not list revisions of ${family}`} error={revisions.error} />
      )}
      <ConfirmDialog
        open={dialog === 'force'}
        onClose={() => setDialog(null)}
        title={`Force a new deployment of ${name}`}
        confirmLabel="Force new deployment"
        danger={false}
        calls={[{ service: 'ecs', operation: 'UpdateService', input: forceInput }]}
        pending={update.isPending}
        error={update.error}
        errorTitle="Could not update the service"
        onConfirm={() =>
          update.mutate(forceInput, {
            onSuccess: () => {
              setDialog(null);
              notify('success', `A new deployment of ${name} started: ECS replaces every task.`);
            },
          })
        }
      >
        <p>
          ECS starts a new deployment of the same task definition and replaces every task, within the minimum
          healthy and maximum percent.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === 'delete'}
        onClose={() => setDialog(null)}
        title={`Delete service ${name}`}
        confirmLabel="Delete"
        typeToConfirm={{ label: 'Service name', value: name }}
        calls={[{ service: 'ecs', operation: 'DeleteService', input: deleteInput }]}
        pending={remove.isPending}
        error={remove.error}
        errorTitle="Could not delete the service"
        onConfirm={() =>
          remove.mutate(
            { force },
            {
              onSuccess: () => {
                notify('success', `Service ${name} deleted: its tasks are stopping.`);
                void navigate(`/clusters/${encodeURIComponent(cluster)}?tab=services`);
              },
            },
          )
        }
      >
        <p>ECS stops the service&apos;s {service.runningCount ?? 0} running tasks and removes the service.</p>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
          Force (scale to 0 and delete in one step)
        </label>
      </ConfirmDialog>
    </section>
  );
}
