import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useMemo, useRef, useState } from 'react';
import { FormProvider, useFieldArray, useForm, useFormContext, useWatch } from 'react-hook-form';
import { useNavigate, useSearchParams } from 'react-router';
import { useRegion } from '../../../aws/backend';
import { familyOf, revisionOf } from '../../../aws/queries/task-definition-revisions';
import { useTaskDefinition } from '../../../aws/queries/task-definition';
import {
  CheckboxControl,
  FormErrorSummary,
  FormSection,
  SelectControl,
  TextAreaControl,
  TextControl,
} from '../../../components/form/controls';
import { TagRows } from '../../../components/form/tag-rows';
import { ApiPreview } from '../../../components/ui/api-preview';
import { Breadcrumbs } from '../../../components/ui/breadcrumbs';
import { Button, ButtonLink } from '../../../components/ui/button';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { notify } from '../../../lib/notices';
import { useRegisterTaskDefinition } from '../api/register-task-definition';
import { parseRegisterInput, type RegisterInput } from '../editable';
import {
  emptyTaskDefinitionForm,
  formFromTaskDefinition,
  newContainer,
  taskDefinitionFormSchema,
  toRegisterInput,
  withDynamicHostPorts,
  type TaskDefinitionForm,
} from '../form';

/**
 * /create-task-definition: a new family or (`?from=family:revision`) the next revision of one, by form or
 * JSON. `dynamicHostPorts=1` starts with every fixed host port made dynamic; `deployTo=cluster/service`
 * goes on to that service's update form with the new revision chosen.
 */
export function TaskDefinitionFormPage() {
  const [params] = useSearchParams();
  const { region } = useRegion();
  const from = params.get('from') ?? '';
  const family = from ? familyOf(from) : '';
  const revision = from ? revisionOf(from) : undefined;
  const source = useTaskDefinition(family, revision);
  const dynamic = params.get('dynamicHostPorts') === '1';
  const deployTo = params.get('deployTo') ?? '';
  const title = from ? `New revision of ${family}` : 'Create a task definition';
  const header = (
    <PageHeader
      eyebrow={<Breadcrumbs trail={[{ to: '/task-definitions', label: 'Task definitions' }]} />}
      title={title}
      description={
        from
          ? `Starts from ${from}${dynamic ? ', with dynamic host ports (host port 0) so tasks can share an instance' : ''}.`
          : 'Containers, image, memory, CPU, ports, environment, health check and logs. The form shows the exact RegisterTaskDefinition input.'
      }
    />
  );
  if (from && source.error)
    return (
      <>
        {header}
        <ErrorState
          title={`Could not describe ${from}`}
          error={source.error}
          onRetry={() => void source.refetch()}
        />
      </>
    );
  if (from && !source.data)
    return (
      <>
        {header}
        <LoadingBlock label="Loading the revision" lines={6} />
      </>
    );
  const start = source.data
    ? formFromTaskDefinition(source.data.taskDefinition, source.data.tags, region)
    : emptyTaskDefinitionForm(region);
  return (
    <>
      {header}
      <TaskDefinitionFormBody initial={dynamic ? withDynamicHostPorts(start) : start} deployTo={deployTo} />
    </>
  );
}

function TaskDefinitionFormBody({ initial, deployTo }: { initial: TaskDefinitionForm; deployTo: string }) {
  const form = useForm<TaskDefinitionForm>({
    defaultValues: initial,
    resolver: zodResolver(taskDefinitionFormSchema),
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [jsonText, setJsonText] = useState('');
  const [jsonErrors, setJsonErrors] = useState<string[]>([]);
  const register = useRegisterTaskDefinition();
  const navigate = useNavigate();
  const values = useWatch({ control: form.control }) as TaskDefinitionForm;
  const formInput = useMemo(() => toRegisterInput(values), [values]);
  const jsonParsed = mode === 'json' ? parseRegisterInput(jsonText) : null;
  const input = mode === 'json' ? (jsonParsed?.ok ? jsonParsed.value : null) : formInput;

  const send = (body: RegisterInput) =>
    register.mutate(body, {
      onSuccess: (td) => {
        const name = `${td?.family ?? ''}:${td?.revision ?? ''}`;
        notify('success', `Registered task definition ${name}.`);
        const [cluster, service] = deployTo.split('/');
        if (cluster && service && td?.taskDefinitionArn) {
          void navigate(
            `/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}/update?taskDefinition=${encodeURIComponent(td.taskDefinitionArn)}`,
          );
        } else if (td?.family && td.revision) {
          void navigate(`/task-definitions/${encodeURIComponent(td.family)}/${td.revision}`);
        }
      },
    });

  const onSubmit = form.handleSubmit(() => send(formInput as RegisterInput));
  const onSubmitJson = () => {
    const parsed = parseRegisterInput(jsonText);
    if (!parsed.ok) {
      setJsonErrors(parsed.errors);
      return;
    }
    setJsonErrors([]);
    send(parsed.value);
  };

  return (
    <FormProvider {...form}>
      <div className="mb-4 flex gap-1" role="group" aria-label="Edit as">
        <Button
          size="sm"
          variant={mode === 'form' ? 'primary' : 'secondary'}
          aria-pressed={mode === 'form'}
          onClick={() => setMode('form')}
        >
          Form
        </Button>
        <Button
          size="sm"
          variant={mode === 'json' ? 'primary' : 'secondary'}
          aria-pressed={mode === 'json'}
          onClick={() => {
            setJsonText(JSON.stringify(formInput, null, 2));
            setMode('json');
          }}
        >
          JSON
        </Button>
      </div>
      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        {mode === 'form' ? (
          <form
            noValidate
            onSubmit={(e) => void onSubmit(e)}
            className="space-y-6"
            aria-label="Task definition"
          >
            <TaskFields />
            <FormErrorSummary />
            {register.isError && (
              <ErrorState title="ECS refused the task definition" error={register.error} />
            )}
            <div className="flex flex-wrap gap-2">
              <Button type="submit" variant="primary" disabled={register.isPending}>
                {register.isPending ? 'Registering…' : 'Register task definition'}
              </Button>
              <ButtonLink to="/task-definitions">Cancel</ButtonLink>
            </div>
          </form>
        ) : (
          <div className="space-y-3">
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium">RegisterTaskDefinition input (JSON)</span>
              <textarea
                value={jsonText}
                onChange={(e) => setJsonText(e.target.value)}
                rows={28}
                spellCheck={false}
                aria-invalid={jsonErrors.length > 0 || undefined}
                className="rounded-md border border-slate-300 bg-white p-3 font-mono text-xs dark:border-slate-600 dark:bg-slate-950"
              />
            </label>
            {jsonErrors.length > 0 && (
              <div
                role="alert"
                data-testid="json-errors"
                className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
              >
                <ul className="list-disc pl-5">
                  {jsonErrors.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              </div>
            )}
            {register.isError && (
              <ErrorState title="ECS refused the task definition" error={register.error} />
            )}
            <Button variant="primary" onClick={onSubmitJson} disabled={register.isPending}>
              {register.isPending ? 'Registering…' : 'Register task definition'}
            </Button>
          </div>
        )}
        <div className="min-w-0 xl:sticky xl:top-4 xl:self-start">
          {input ? (
            <ApiPreview calls={[{ service: 'ecs', operation: 'RegisterTaskDefinition', input }]} />
          ) : (
            <p className="text-sm">The JSON does not parse yet: nothing to send.</p>
          )}
        </div>
      </div>
    </FormProvider>
  );
}

function TaskFields() {
  const { control, getValues, setValue } = useFormContext<TaskDefinitionForm>();
  const { region } = useRegion();
  const containers = useFieldArray({ control, name: 'containers' });
  // The default log group follows the family (/ecs/<family>, as the AWS console names it) until edited.
  const family = useWatch({ control, name: 'family' });
  const previousFamily = useRef(family);
  useEffect(() => {
    const before = `/ecs/${previousFamily.current || 'task'}`;
    previousFamily.current = family;
    getValues('containers').forEach((c, i) => {
      if (c.logs.group === before) setValue(`containers.${i}.logs.group`, `/ecs/${family || 'task'}`);
    });
  }, [family, getValues, setValue]);
  return (
    <>
      <FormSection title="Task">
        <div className="grid gap-4 sm:grid-cols-2">
          <TextControl name="family" label="Family (task definition name)" />
          <SelectControl
            name="networkMode"
            label="Network mode"
            options={[
              { value: 'bridge', label: 'bridge (Docker bridge, host ports)' },
              { value: 'awsvpc', label: 'awsvpc (one network interface per task)' },
              { value: 'host', label: 'host' },
              { value: 'none', label: 'none' },
              { value: '', label: 'default (bridge on EC2)' },
            ]}
          />
          <TextControl
            name="cpu"
            label="Task CPU (units or vCPU)"
            hint="Optional on EC2; required for Fargate, e.g. 256."
          />
          <TextControl
            name="memory"
            label="Task memory (MiB or GB)"
            hint="Optional on EC2; required for Fargate, e.g. 512."
          />
          <TextControl name="executionRoleArn" label="Task execution role ARN" hint="Optional." />
          <TextControl name="taskRoleArn" label="Task role ARN" hint="Optional." />
        </div>
        <div className="flex flex-wrap gap-6">
          <CheckboxControl name="ec2" label="Requires EC2 compatibility" />
          <CheckboxControl name="fargate" label="Requires Fargate compatibility" />
        </div>
      </FormSection>
      {containers.fields.map((f, i) => (
        <ContainerFields
          key={f.id}
          index={i}
          onRemove={containers.fields.length > 1 ? () => containers.remove(i) : undefined}
        />
      ))}
      <Button
        onClick={() => containers.append(newContainer(getValues('family'), region, containers.fields.length))}
        disabled={containers.fields.length >= 10}
      >
        Add container
      </Button>
      <FormSection title="Tags">
        <TagRows />
      </FormSection>
    </>
  );
}

function ContainerFields({ index, onRemove }: { index: number; onRemove?: () => void }) {
  const { control } = useFormContext<TaskDefinitionForm>();
  const base = `containers.${index}` as const;
  const ports = useFieldArray({ control, name: `${base}.portMappings` });
  const env = useFieldArray({ control, name: `${base}.environment` });
  const hc = useWatch({ control, name: `${base}.healthCheck.enabled` });
  const logs = useWatch({ control, name: `${base}.logs.enabled` });
  const name = useWatch({ control, name: `${base}.name` });
  return (
    <FormSection title={`Container ${index + 1}${name ? `: ${name}` : ''}`}>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextControl name={`${base}.name`} label="Container name" />
        <TextControl name={`${base}.image`} label="Image" placeholder="httpd:2.4" />
        <TextControl name={`${base}.memory`} label="Memory hard limit (MiB)" />
        <TextControl name={`${base}.memoryReservation`} label="Memory soft limit (MiB)" />
        <TextControl name={`${base}.cpu`} label="CPU units" hint="1024 units = 1 vCPU." />
        <TextControl
          name={`${base}.links`}
          label="Links"
          hint="Other containers, comma-separated (name or name:alias)."
        />
      </div>
      <CheckboxControl name={`${base}.essential`} label="Essential (the task stops when it stops)" />
      <TextAreaControl
        name={`${base}.command`}
        label="Command"
        hint="One argument per line. Empty: the image's command."
      />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Port mappings</legend>
        <ul className="space-y-2">
          {ports.fields.map((p, j) => (
            <li key={p.id} className="grid grid-cols-[1fr_1fr_6rem_auto] items-start gap-2">
              <TextControl
                name={`${base}.portMappings.${j}.containerPort`}
                label={`Container port (${j + 1})`}
              />
              <TextControl
                name={`${base}.portMappings.${j}.hostPort`}
                label={`Host port (${j + 1})`}
                hint={j === 0 ? '0: dynamic' : undefined}
              />
              <SelectControl
                name={`${base}.portMappings.${j}.protocol`}
                label={`Protocol (${j + 1})`}
                options={[
                  { value: 'tcp', label: 'tcp' },
                  { value: 'udp', label: 'udp' },
                ]}
              />
              <Button size="sm" variant="ghost" className="mt-6" onClick={() => ports.remove(j)}>
                Remove<span className="sr-only"> port mapping {j + 1}</span>
              </Button>
            </li>
          ))}
        </ul>
        <Button
          size="sm"
          onClick={() => ports.append({ containerPort: '80', hostPort: '0', protocol: 'tcp' })}
        >
          Add port mapping
        </Button>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Environment variables</legend>
        <ul className="space-y-2">
          {env.fields.map((e, j) => (
            <li key={e.id} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
              <TextControl name={`${base}.environment.${j}.name`} label={`Variable ${j + 1} name`} />
              <TextControl name={`${base}.environment.${j}.value`} label={`Variable ${j + 1} value`} />
              <Button size="sm" variant="ghost" className="mt-6" onClick={() => env.remove(j)}>
                Remove<span className="sr-only"> variable {j + 1}</span>
              </Button>
            </li>
          ))}
        </ul>
        <Button size="sm" onClick={() => env.append({ name: '', value: '' })}>
          Add variable
        </Button>
      </fieldset>
      <CheckboxControl name={`${base}.healthCheck.enabled`} label="Health check" />
      {hc && (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextAreaControl
            name={`${base}.healthCheck.command`}
            label="Health check command"
            hint="One item per line, e.g. CMD-SHELL then curl -f http://localhost/ || exit 1."
            className="sm:col-span-2"
          />
          <TextControl name={`${base}.healthCheck.interval`} label="Interval (s)" />
          <TextControl name={`${base}.healthCheck.timeout`} label="Timeout (s)" />
          <TextControl name={`${base}.healthCheck.retries`} label="Retries" />
          <TextControl name={`${base}.healthCheck.startPeriod`} label="Start period (s)" />
        </div>
      )}
      <CheckboxControl name={`${base}.logs.enabled`} label="Send logs to CloudWatch Logs (awslogs)" />
      {logs && (
        <div className="grid gap-4 sm:grid-cols-3">
          <TextControl name={`${base}.logs.group`} label="Log group" />
          <TextControl name={`${base}.logs.region`} label="Log region" />
          <TextControl name={`${base}.logs.streamPrefix`} label="Stream prefix" />
        </div>
      )}
      {onRemove && (
        <Button size="sm" variant="ghost" onClick={onRemove}>
          Remove container {index + 1}
        </Button>
      )}
    </FormSection>
  );
}
