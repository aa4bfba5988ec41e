import type { Service } from '@aws-sdk/client-ecs';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorState } from '../../../components/ui/error-state';
import { useDeleteService } from '../api/delete-service';
import { familyOf, useRevisions } from '../../../aws/queries/task-definition-revisions';
import { useUpdateService } from '../api/update-service';
import { lastPart } from '../../../lib/format';

const input =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900';

/** Scale, move to another revision, force a new deployment, delete. */
export function ServiceActions({ cluster, service }: { cluster: string; service: Service }) {
  const name = service.serviceName ?? '';
  const update = useUpdateService(cluster, name);
  const remove = useDeleteService(cluster, name);
  const navigate = useNavigate();
  const family = familyOf(service.taskDefinition ?? '');
  const revisionList = useRevisions(family);
  const revisions = { ...revisionList, data: revisionList.data?.map((r) => r.arn) };
  const [desired, setDesired] = useState(String(service.desiredCount ?? 0));
  const [revision, setRevision] = useState(service.taskDefinition ?? '');
  const [deleting, setDeleting] = useState(false);
  const [force, setForce] = useState(true);
  const [confirm, setConfirm] = useState('');

  const onScale = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ desiredCount: Number(desired) });
  };
  const onRevision = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ taskDefinition: revision });
  };
  const onDelete = (e: FormEvent) => {
    e.preventDefault();
    remove.mutate(
      { force },
      { onSuccess: () => void navigate(`/clusters/${encodeURIComponent(cluster)}?tab=services`) },
    );
  };

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
              {!(revisions.data ?? []).includes(revision) && (
                <option value={revision}>{lastPart(revision)}</option>
              )}
              {(revisions.data ?? []).map((arn) => (
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
        <Button disabled={update.isPending} onClick={() => update.mutate({ forceNewDeployment: true })}>
          Force new deployment
        </Button>
        <Button variant="danger" onClick={() => setDeleting(true)}>
          Delete service
        </Button>
      </div>
      {update.isError && <ErrorState title="Could not update the service" error={update.error} />}
      {revisions.isError && (
        <ErrorState title={`Could not list revisions of ${family}`} error={revisions.error} />
      )}
      <Dialog open={deleting} onClose={() => setDeleting(false)} title={`Delete service ${name}`}>
        <form onSubmit={onDelete} className="space-y-3 text-sm">
          <p>
            ECS stops the service&apos;s tasks and removes the service. Type <strong>{name}</strong> to
            confirm.
          </p>
          <label className="flex flex-col gap-1">
            <span>Service name</span>
            <input
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              className={input}
              autoComplete="off"
            />
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
            Force (scale to 0 and delete in one step)
          </label>
          {remove.isError && <ErrorState title="Could not delete the service" error={remove.error} />}
          <div className="flex justify-end gap-2">
            <Button onClick={() => setDeleting(false)}>Cancel</Button>
            <Button type="submit" variant="danger" disabled={confirm !== name || remove.isPending}>
              Delete
            </Button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
