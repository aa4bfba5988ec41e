import { zodResolver } from '@hookform/resolvers/zod';
import { useMemo, useState } from 'react';
import { FormProvider, useFieldArray, useForm, useFormContext, useWatch } from 'react-hook-form';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useFamilies } from '../../../aws/queries/task-definition-families';
import { useRevisions } from '../../../aws/queries/task-definition-revisions';
import {
  FormErrorSummary,
  FormSection,
  SelectControl,
  TextAreaControl,
  TextControl,
} from '../../../components/form/controls';
import { TagRows } from '../../../components/form/tag-rows';
import { ApiPreview } from '../../../components/ui/api-preview';
import { Breadcrumbs, clusterTrail } from '../../../components/ui/breadcrumbs';
import { Button, ButtonLink } from '../../../components/ui/button';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { lastPart } from '../../../lib/format';
import { notify } from '../../../lib/notices';
import { AwsvpcSection, CapacityProviderStrategyFields } from '../../../components/form/launch-fields';
import { useRunTask } from '../api/run-task';
import {
  emptyRunTaskForm,
  newClientToken,
  runTaskFormSchema,
  toRunTaskInput,
  type RunTaskForm,
} from '../run-task-form';

/** /clusters/:cluster/run-task: one-off tasks (count, launch type or strategy, overrides), as RunTask. */
export function RunTaskPage() {
  const cluster = useParams()['cluster'] ?? '';
  const [params] = useSearchParams();
  const form = useForm<RunTaskForm>({
    defaultValues: emptyRunTaskForm(params.get('family') ?? ''),
    resolver: zodResolver(runTaskFormSchema),
    reValidateMode: 'onChange',
  });
  const values = useWatch({ control: form.control }) as RunTaskForm;
  const [token, setToken] = useState(newClientToken);
  const input = useMemo(() => toRunTaskInput(cluster, values, token), [cluster, values, token]);
  const run = useRunTask();
  const navigate = useNavigate();
  const onSubmit = form.handleSubmit(() =>
    run.mutate(input, {
      onSuccess: ({ tasks, failures }) => {
        setToken(newClientToken());
        notify(
          'success',
          `Started ${tasks.length} ${tasks.length === 1 ? 'task' : 'tasks'}: ${tasks.map((t) => lastPart(t.taskArn)).join(', ')}${failures.length ? ` (${failures.length} not placed: ${failures[0]?.reason ?? ''})` : ''}.`,
        );
        void navigate(`/clusters/${encodeURIComponent(cluster)}?tab=tasks`);
      },
    }),
  );
  return (
    <>
      <PageHeader
        eyebrow={<Breadcrumbs trail={clusterTrail(cluster, 'tasks')} />}
        title="Run task"
        description={`One-off tasks in cluster ${cluster}: they run until they exit or are stopped, and no service replaces them.`}
      />
      <FormProvider {...form}>
        <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <form noValidate onSubmit={(e) => void onSubmit(e)} className="space-y-6" aria-label="Run task">
            <RunFields />
            <FormErrorSummary />
            {run.isError && <ErrorState title="ECS did not run the task" error={run.error} />}
            <div className="flex gap-2">
              <Button type="submit" variant="primary" disabled={run.isPending}>
                {run.isPending ? 'Starting…' : 'Run task'}
              </Button>
              <ButtonLink to={`/clusters/${encodeURIComponent(cluster)}?tab=tasks`}>Cancel</ButtonLink>
            </div>
          </form>
          <div className="min-w-0 xl:sticky xl:top-4 xl:self-start">
            <ApiPreview calls={[{ service: 'ecs', operation: 'RunTask', input }]} />
          </div>
        </div>
      </FormProvider>
    </>
  );
}

function RunFields() {
  const { control } = useFormContext<RunTaskForm>();
  const families = useFamilies();
  const family = useWatch({ control, name: 'family' });
  const revisions = useRevisions(family);
  const compute = useWatch({ control, name: 'compute' });
  const overrides = useFieldArray({ control, name: 'overrides' });
  const familyOptions = [...new Set([...(family ? [family] : []), ...(families.data ?? [])])];
  return (
    <>
      <FormSection title="Task">
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectControl
            name="family"
            label="Task definition family"
            options={[
              { value: '', label: 'Choose a family' },
              ...familyOptions.map((f) => ({ value: f, label: f })),
            ]}
          />
          <SelectControl
            name="revision"
            label="Revision"
            options={[
              { value: '', label: 'Latest ACTIVE revision' },
              ...(revisions.data ?? []).map((r) => ({
                value: String(r.revision),
                label: `${family}:${r.revision}`,
              })),
            ]}
          />
          <TextControl name="count" label="Number of tasks" type="number" hint="1 to 10." />
          <TextControl name="group" label="Task group" hint="Optional, e.g. batch:nightly." />
        </div>
      </FormSection>
      <FormSection title="Compute">
        <SelectControl
          name="compute"
          label="Compute options"
          options={[
            { value: 'launchType', label: 'Launch type' },
            { value: 'capacityProviders', label: 'Capacity provider strategy' },
          ]}
        />
        {compute === 'launchType' ? (
          <SelectControl
            name="launchType"
            label="Launch type"
            options={['EC2', 'FARGATE', 'EXTERNAL'].map((t) => ({ value: t, label: t }))}
          />
        ) : (
          <CapacityProviderStrategyFields />
        )}
      </FormSection>
      <AwsvpcSection />
      <FormSection
        title="Container overrides"
        description="Replace a container's command or add environment variables for these tasks only."
      >
        <ul className="space-y-3">
          {overrides.fields.map((f, i) => (
            <li key={f.id} className="space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-700">
              <TextControl name={`overrides.${i}.name`} label={`Container (override ${i + 1})`} />
              <TextAreaControl
                name={`overrides.${i}.command`}
                label="Command"
                hint="One argument per line; empty keeps the task definition's."
              />
              <TextAreaControl
                name={`overrides.${i}.environment`}
                label="Environment"
                hint="One NAME=value per line."
              />
              <Button size="sm" variant="ghost" onClick={() => overrides.remove(i)}>
                Remove override {i + 1}
              </Button>
            </li>
          ))}
        </ul>
        <Button size="sm" onClick={() => overrides.append({ name: '', command: '', environment: '' })}>
          Add container override
        </Button>
      </FormSection>
      <FormSection title="Tags">
        <TagRows />
      </FormSection>
    </>
  );
}
