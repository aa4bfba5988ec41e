import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Button } from '../../../components/ui/button';
import { CodeBlock } from '../../../components/ui/code-block';
import { Dialog } from '../../../components/ui/dialog';
import { ErrorState } from '../../../components/ui/error-state';
import { Breadcrumbs } from '../../../components/ui/breadcrumbs';
import { PageHeader, StatusTitle } from '../../../components/ui/page-header';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { useTaskDefinition } from '../../../aws/queries/task-definition';
import { useDeregisterTaskDefinition } from '../api/deregister-task-definition';
import { useRegisterTaskDefinition } from '../api/register-task-definition';
import { editableJson, parseRegisterInput } from '../editable';

/** Edit the JSON and register it as a new revision; syntax and shape errors show beside the editor. */
function RegisterRevision({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  const [errors, setErrors] = useState<string[]>([]);
  const register = useRegisterTaskDefinition();
  const navigate = useNavigate();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseRegisterInput(text);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors([]);
    register.mutate(parsed.value, {
      onSuccess: (td) => {
        if (td?.family && td.revision)
          void navigate(`/task-definitions/${encodeURIComponent(td.family)}/${td.revision}`);
      },
    });
  };
  return (
    <form
      onSubmit={onSubmit}
      className="grid gap-4 lg:grid-cols-[2fr_1fr]"
      aria-label="Register a new revision"
    >
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium">Task definition JSON (RegisterTaskDefinition input)</span>
        <textarea
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
          rows={24}
          aria-invalid={errors.length > 0 || undefined}
          aria-describedby="register-errors"
          className="rounded-md border border-slate-300 bg-white p-3 font-mono text-xs dark:border-slate-600 dark:bg-slate-950"
        />
      </label>
      <div className="space-y-3">
        <div id="register-errors" aria-live="polite">
          {errors.length > 0 && (
            <div
              role="alert"
              data-testid="json-errors"
              className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
            >
              <p className="font-semibold">Fix the JSON before registering</p>
              <ul className="mt-1 list-disc pl-5">
                {errors.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
            </div>
          )}
        </div>
        {register.isError && <ErrorState title="ECS refused the new revision" error={register.error} />}
        <Button type="submit" variant="primary" disabled={register.isPending}>
          Register new revision
        </Button>
      </div>
    </form>
  );
}

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

/** One revision: JSON view, deregister, and an editor to register the next revision. */
export function RevisionPage() {
  const params = useParams();
  const family = params['family'] ?? '';
  const revision = Number(params['revision']);
  const td = useTaskDefinition(family, Number.isInteger(revision) ? revision : undefined);
  const [editing, setEditing] = useState(false);
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
              <Button onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
                {editing ? 'Close the editor' : 'Register a new revision'}
              </Button>
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
          {editing && <RegisterRevision initial={editableJson(data.taskDefinition, data.tags)} />}
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
