import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { useState } from 'react';
import { useParams } from 'react-router';
import { Button, ButtonLink } from '../../../components/ui/button';
import { TagsSection } from '../../../components/tags/tags-section';
import { DeployRevision } from './deploy-revision';
import { CodeBlock } from '../../../components/ui/code-block';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorState } from '../../../components/ui/error-state';
import { Breadcrumbs } from '../../../components/ui/breadcrumbs';
import { PageHeader, StatusTitle } from '../../../components/ui/page-header';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { useTaskDefinition } from '../../../aws/queries/task-definition';
import { useDeregisterTaskDefinition } from '../api/deregister-task-definition';

function Deregister({ td }: { td: TaskDefinition }) {
  const [open, setOpen] = useState(false);
  const deregister = useDeregisterTaskDefinition();
  const family = td.family ?? '';
  const revision = td.revision ?? 0;
  if (td.status !== 'ACTIVE') return null;
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Deregister
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Deregister ${family}:${revision}`}>
        <p className="text-sm">
          The revision becomes INACTIVE: no new task or service can use it; tasks running it keep running.
        </p>
        {deregister.isError && <ErrorState title="Could not deregister" error={deregister.error} />}
        <div className="mt-4 flex justify-end gap-2">
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            variant="danger"
            disabled={deregister.isPending}
            onClick={() => deregister.mutate({ family, revision }, { onSuccess: () => setOpen(false) })}
          >
            Deregister
          </Button>
        </div>
      </Dialog>
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
              <Deregister td={data.taskDefinition} />
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
