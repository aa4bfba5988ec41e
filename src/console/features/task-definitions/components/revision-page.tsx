import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Button, ButtonLink } from '../../../components/ui/button';
import { TagsSection } from '../../../components/tags/tags-section';
import { DeployRevision } from './deploy-revision';
import { CodeBlock } from '../../../components/ui/code-block';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { ErrorState } from '../../../components/ui/error-state';
import { Breadcrumbs } from '../../../components/ui/breadcrumbs';
import { PageHeader, StatusTitle } from '../../../components/ui/page-header';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { useTaskDefinition } from '../../../aws/queries/task-definition';
import { useDeregisterTaskDefinition } from '../api/deregister-task-definition';
import { useDeleteTaskDefinition } from '../api/delete-task-definition';
import { notify } from '../../../lib/notices';

/**
 * Deregister an ACTIVE revision, or delete an INACTIVE one: both in the shared dialog, `family:revision`
 * typed to confirm, with the call shown.
 */
function RemoveRevision({ td }: { td: TaskDefinition }) {
  const [open, setOpen] = useState(false);
  const deregister = useDeregisterTaskDefinition();
  const remove = useDeleteTaskDefinition();
  const navigate = useNavigate();
  const family = td.family ?? '';
  const revision = td.revision ?? 0;
  const name = `${family}:${revision}`;
  if (td.status !== 'ACTIVE' && td.status !== 'INACTIVE') return null;
  const active = td.status === 'ACTIVE';
  const verb = active ? 'Deregister' : 'Delete';
  const mutation = active ? deregister : remove;
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        {verb}
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`${verb} ${name}`}
        confirmLabel={verb}
        typeToConfirm={{ label: 'Revision', value: name }}
        calls={[
          active
            ? { service: 'ecs', operation: 'DeregisterTaskDefinition', input: { taskDefinition: name } }
            : { service: 'ecs', operation: 'DeleteTaskDefinitions', input: { taskDefinitions: [name] } },
        ]}
        pending={mutation.isPending}
        error={mutation.error}
        errorTitle={`Could not ${verb.toLowerCase()} ${name}`}
        onConfirm={() => {
          if (active)
            deregister.mutate(
              { family, revision },
              {
                onSuccess: () => {
                  setOpen(false);
                  notify('success', `${name} is INACTIVE: it can be deleted now.`);
                },
              },
            );
          else
            remove.mutate(
              { taskDefinitions: [name] },
              {
                onSuccess: () => {
                  notify('success', `${name} is being deleted (DELETE_IN_PROGRESS).`);
                  void navigate(`/task-definitions/${encodeURIComponent(family)}?status=INACTIVE`);
                },
              },
            );
        }}
      >
        <p>
          {active
            ? 'The revision becomes INACTIVE: no new task or service can use it; tasks running it keep running.'
            : 'ECS deletes the revision once no task or service uses it (DELETE_IN_PROGRESS until then). This cannot be undone.'}
        </p>
      </ConfirmDialog>
    </>
  );
}

/** One revision: JSON view, tags, deploy to a service, deregister, and "create new revision" (the form). */
export function RevisionPage() {
  const params = useParams();
  const family = params['family'] ?? '';
  const revision = Number(params['revision']);
  const td = useTaskDefinition(family, Number.isInteger(revision) ? revision : undefined);
  const data = td.data;
  return (
    <>
      <PageHeader
        eyebrow={
          <Breadcrumbs
            trail={[
              { to: '/task-definitions', label: 'Task definitions' },
              { to: `/task-definitions/${encodeURIComponent(family)}`, label: family },
            ]}
          />
        }
        title={<StatusTitle name={`${family}:${params['revision']}`} status={data?.taskDefinition.status} />}
        description={data?.taskDefinition.taskDefinitionArn}
        actions={
          data && (
            <>
              <ButtonLink
                variant="primary"
                to={`/create-task-definition?from=${encodeURIComponent(`${family}:${revision}`)}`}
              >
                Create new revision
              </ButtonLink>
              <DeployRevision td={data.taskDefinition} />
              <RemoveRevision td={data.taskDefinition} />
            </>
          )
        }
      />
      {td.error ? (
        <ErrorState
          title={`Could not describe ${family}:${params['revision']}`}
          error={td.error}
          onRetry={() => void td.refetch()}
        />
      ) : !data ? (
        <LoadingBlock label="Loading the task definition" lines={8} />
      ) : (
        <div className="space-y-6">
          <TagsSection
            resourceArn={data.taskDefinition.taskDefinitionArn ?? ''}
            resourceName={`${family}:${revision}`}
          />
          <CodeBlock
            code={JSON.stringify(data.taskDefinition, null, 2)}
            filename={`${family}-${revision}.json`}
            mimeType="application/json"
            label={`Task definition ${family}:${revision} as JSON`}
          />
        </div>
      )}
    </>
  );
}
