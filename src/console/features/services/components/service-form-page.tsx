import { zodResolver } from '@hookform/resolvers/zod';
import type { Service } from '@aws-sdk/client-ecs';
import { useMemo } from 'react';
import { FormProvider, useFieldArray, useForm, useFormContext, useWatch } from 'react-hook-form';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useFamilies } from '../../../aws/queries/task-definition-families';
import { useRevisions } from '../../../aws/queries/task-definition-revisions';
import { useTaskDefinition } from '../../../aws/queries/task-definition';
import { AwsvpcSection, CapacityProviderStrategyFields } from '../../../components/form/launch-fields';
import { ContainerPortPicker, TargetGroupField } from '../../../components/pickers/target-group-field';
import {
  CheckboxControl,
  FormErrorSummary,
  FormSection,
  SelectControl,
  TextControl,
} from '../../../components/form/controls';
import { TagRows } from '../../../components/form/tag-rows';
import { ApiPreview } from '../../../components/ui/api-preview';
import { Breadcrumbs, clusterTrail } from '../../../components/ui/breadcrumbs';
import { Button, ButtonLink } from '../../../components/ui/button';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader } from '../../../components/ui/page-header';
import { QueryView } from '../../../components/ui/query-view';
import { linkClass } from '../../../lib/format';
import { notify } from '../../../lib/notices';
import { useCreateService } from '../api/create-service';
import { useService } from '../../../aws/queries/describe-service';
import { useUpdateService } from '../api/update-service';
import {
  applyUrlChanges,
  emptyServiceForm,
  formFromService,
  serviceFormSchema,
  toCreateServiceInput,
  toUpdateServiceInput,
  type ServiceForm,
} from '../form';

const servicePath = (cluster: string, service: string) =>
  `/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}`;

/** /clusters/:cluster/create-service (`?family=&revision=` preselect a task definition). */
export function CreateServicePage() {
  const cluster = useParams()['cluster'] ?? '';
  const [params] = useSearchParams();
  const initial = useMemo(
    () => applyUrlChanges(emptyServiceForm(params.get('family') ?? ''), params),
    [params],
  );
  return (
    <>
      <PageHeader
        eyebrow={<Breadcrumbs trail={clusterTrail(cluster, 'services')} />}
        title="Create a service"
        description={`A service keeps the desired number of tasks of a task definition running in cluster ${cluster}.`}
      />
      <ServiceFormBody cluster={cluster} initial={initial} />
    </>
  );
}

/**
 * /clusters/:cluster/services/:service/update: the form starts from the service as it is (URL parameters
 * such as `?minimumHealthyPercent=66` propose a change) and lists what will change before applying it.
 */
export function UpdateServicePage() {
  const params = useParams();
  const cluster = params['cluster'] ?? '';
  const name = params['service'] ?? '';
  const service = useService(cluster, name);
  const [search] = useSearchParams();
  return (
    <>
      <PageHeader
        eyebrow={
          <Breadcrumbs
            trail={[...clusterTrail(cluster, 'services'), { to: servicePath(cluster, name), label: name }]}
          />
        }
        title={`Update service ${name}`}
        description="Starts from the service as it is. Only what you change is sent."
      />
      <QueryView
        query={service}
        errorTitle={`Could not describe service ${name}`}
        loadingLabel="Loading the service"
      >
        {(s) => <UpdateBody cluster={cluster} service={s} search={search} />}
      </QueryView>
    </>
  );
}

function UpdateBody({
  cluster,
  service,
  search,
}: {
  cluster: string;
  service: Service;
  search: URLSearchParams;
}) {
  // The starting point is fixed at the first read: later polls must not reset what the user typed.
  const before = useMemo(() => formFromService(service), [service.serviceArn]); // eslint-disable-line react-hooks/exhaustive-deps
  const initial = useMemo(() => applyUrlChanges(before, search), [before, search]);
  return <ServiceFormBody cluster={cluster} initial={initial} before={before} />;
}

function ServiceFormBody({
  cluster,
  initial,
  before,
}: {
  cluster: string;
  initial: ServiceForm;
  /** The service as it is: the form updates it. */
  before?: ServiceForm;
}) {
  const form = useForm<ServiceForm>({
    defaultValues: initial,
    resolver: zodResolver(serviceFormSchema),
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
  const navigate = useNavigate();
  const create = useCreateService(cluster);
  const update = useUpdateService(cluster, initial.serviceName);
  const values = useWatch({ control: form.control }) as ServiceForm;
  const isUpdate = before !== undefined;
  const plan = useMemo(
    () => (before ? toUpdateServiceInput(cluster, before.serviceName, before, values) : null),
    [before, cluster, values],
  );
  const createInput = useMemo(() => toCreateServiceInput(cluster, values), [cluster, values]);
  const mutation = isUpdate ? update : create;

  const onSubmit = form.handleSubmit(() => {
    if (plan) {
      update.mutate(plan.input, {
        onSuccess: () => {
          notify(
            'success',
            `Service ${values.serviceName} updated: ${plan.changes.map((c) => c.field).join(', ')}.`,
          );
          void navigate(servicePath(cluster, values.serviceName));
        },
      });
    } else {
      create.mutate(createInput, {
        onSuccess: (s) => {
          notify('success', `Service ${s?.serviceName ?? values.serviceName} created in ${cluster}.`);
          void navigate(servicePath(cluster, s?.serviceName ?? values.serviceName));
        },
      });
    }
  });

  return (
    <FormProvider {...form}>
      <div className="grid gap-6 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <form
          noValidate
          onSubmit={(e) => void onSubmit(e)}
          className="space-y-6"
          aria-label={isUpdate ? 'Update service' : 'Create service'}
        >
          <ServiceFields isUpdate={isUpdate} />
          <FormErrorSummary />
          {mutation.isError && (
            <ErrorState
              title={isUpdate ? 'ECS refused the update' : 'ECS refused the service'}
              error={mutation.error}
            />
          )}
          <div className="flex flex-wrap gap-2">
            <Button
              type="submit"
              variant="primary"
              disabled={mutation.isPending || (plan !== null && plan.changes.length === 0)}
            >
              {mutation.isPending ? 'Sending…' : isUpdate ? 'Update service' : 'Create service'}
            </Button>
            <ButtonLink
              to={
                isUpdate
                  ? servicePath(cluster, initial.serviceName)
                  : `/clusters/${encodeURIComponent(cluster)}?tab=services`
              }
            >
              Cancel
            </ButtonLink>
          </div>
        </form>
        <div className="min-w-0 space-y-4 xl:sticky xl:top-4 xl:self-start">
          {plan && (
            <section
              aria-labelledby="changes-heading"
              className="rounded-lg border border-slate-200 p-3 dark:border-slate-700"
            >
              <h2 id="changes-heading" className="mb-2 text-base font-semibold">
                What will change
              </h2>
              {plan.changes.length === 0 ? (
                <p className="text-sm text-slate-600 dark:text-slate-400">Nothing yet: change a field.</p>
              ) : (
                <ul className="space-y-2 text-sm" data-testid="service-changes">
                  {plan.changes.map((c) => (
                    <li key={c.field}>
                      <span className="font-medium">{c.field}</span>
                      <div className="font-mono text-xs break-all">
                        <span className="text-red-800 dark:text-red-300">− {c.before}</span>
                        <br />
                        <span className="text-emerald-800 dark:text-emerald-300">+ {c.after}</span>
                      </div>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          <ApiPreview
            calls={[
              plan
                ? { service: 'ecs', operation: 'UpdateService', input: plan.input }
                : { service: 'ecs', operation: 'CreateService', input: createInput },
            ]}
          />
        </div>
      </div>
    </FormProvider>
  );
}

function ServiceFields({ isUpdate }: { isUpdate: boolean }) {
  const { control } = useFormContext<ServiceForm>();
  const families = useFamilies();
  const family = useWatch({ control, name: 'family' });
  const revisions = useRevisions(family);
  // The revision the service will run: its port mappings are the load balancer's container/port choices.
  const revision = useWatch({ control, name: 'revision' });
  const taskDefinition = useTaskDefinition(
    family,
    revision ? Number(revision) : revisions.data?.[0]?.revision,
  );
  const strategy = useWatch({ control, name: 'schedulingStrategy' });
  const compute = useWatch({ control, name: 'compute' });
  const lbs = useFieldArray({ control, name: 'loadBalancers' });
  const ps = useFieldArray({ control, name: 'placementStrategy' });
  const pc = useFieldArray({ control, name: 'placementConstraints' });
  const familyOptions = [...new Set([...(family ? [family] : []), ...(families.data ?? [])])];
  return (
    <>
      <FormSection title="Service and task definition">
        <div className="grid gap-4 sm:grid-cols-2">
          {!isUpdate && <TextControl name="serviceName" label="Service name" />}
          <SelectControl
            name="family"
            label="Task definition family"
            options={[
              { value: '', label: families.isPending ? 'Loading…' : 'Choose a family' },
              ...familyOptions.map((f) => ({ value: f, label: f })),
            ]}
            hint={
              families.data?.length === 0 ? (
                <>
                  No task definitions yet:{' '}
                  <Link className={linkClass} to="/create-task-definition">
                    create one
                  </Link>
                  .
                </>
              ) : undefined
            }
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
          {!isUpdate && (
            <SelectControl
              name="schedulingStrategy"
              label="Scheduling strategy"
              options={[
                { value: 'REPLICA', label: 'REPLICA (a desired number of tasks)' },
                { value: 'DAEMON', label: 'DAEMON (one task per instance)' },
              ]}
            />
          )}
          {strategy === 'REPLICA' && <TextControl name="desiredCount" label="Desired tasks" type="number" />}
        </div>
        {families.isError && (
          <ErrorState title="Could not list task definition families" error={families.error} />
        )}
      </FormSection>

      <FormSection
        title="Compute"
        description="A launch type, or a capacity provider strategy (the cluster's capacity providers decide where tasks go)."
      >
        <SelectControl
          name="compute"
          label="Compute options"
          options={[
            { value: 'launchType', label: 'Launch type' },
            { value: 'capacityProviders', label: 'Capacity provider strategy' },
          ]}
        />
        {compute === 'launchType' ? (
          isUpdate ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              UpdateService cannot change the launch type; recreate the service to change it.
            </p>
          ) : (
            <SelectControl
              name="launchType"
              label="Launch type"
              options={[
                { value: 'EC2', label: 'EC2' },
                { value: 'FARGATE', label: 'FARGATE' },
                { value: 'EXTERNAL', label: 'EXTERNAL' },
              ]}
            />
          )
        ) : (
          <CapacityProviderStrategyFields />
        )}
      </FormSection>

      <FormSection
        title="Deployment"
        description="During a deployment ECS keeps at least the minimum healthy percent of the desired tasks running and at most the maximum percent."
      >
        <div className="grid gap-4 sm:grid-cols-3">
          <TextControl name="minimumHealthyPercent" label="Minimum healthy percent" type="number" />
          <TextControl name="maximumPercent" label="Maximum percent" type="number" />
          <SelectControl
            name="circuitBreaker"
            label="Deployment circuit breaker"
            options={[
              { value: 'off', label: 'Off' },
              { value: 'fail', label: 'On: fail the deployment' },
              { value: 'rollback', label: 'On: fail and roll back' },
            ]}
          />
        </div>
        {isUpdate && (
          <CheckboxControl name="forceNewDeployment" label="Force a new deployment (replace every task)" />
        )}
      </FormSection>

      <AwsvpcSection description="For task definitions in awsvpc network mode: each task gets its own network interface." />

      <FormSection title="Load balancing">
        <ul className="space-y-2">
          {lbs.fields.map((f, i) => (
            <li key={f.id} className="grid grid-cols-1 items-start gap-2 sm:grid-cols-[2fr_1fr_1fr_auto]">
              <TargetGroupField name={`loadBalancers.${i}.targetGroupArn`} index={i} />
              <div className="space-y-2 sm:col-span-2">
                <ContainerPortPicker
                  taskDefinition={taskDefinition.data?.taskDefinition}
                  containerName={`loadBalancers.${i}.containerName`}
                  containerPort={`loadBalancers.${i}.containerPort`}
                  index={i}
                />
                <div className="grid grid-cols-2 gap-2">
                  <TextControl name={`loadBalancers.${i}.containerName`} label={`Container (${i + 1})`} />
                  <TextControl
                    name={`loadBalancers.${i}.containerPort`}
                    label={`Container port (${i + 1})`}
                  />
                </div>
              </div>
              <Button size="sm" variant="ghost" className="sm:mt-6" onClick={() => lbs.remove(i)}>
                Remove<span className="sr-only"> load balancer {i + 1}</span>
              </Button>
            </li>
          ))}
        </ul>
        <Button
          size="sm"
          onClick={() => lbs.append({ targetGroupArn: '', containerName: '', containerPort: '80' })}
        >
          Add target group
        </Button>
        <TextControl
          name="healthCheckGracePeriodSeconds"
          label="Health check grace period (s)"
          hint="Only with a load balancer."
        />
      </FormSection>

      <FormSection title="Task placement">
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Strategy</legend>
          <ul className="space-y-2">
            {ps.fields.map((f, i) => (
              <li key={f.id} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
                <SelectControl
                  name={`placementStrategy.${i}.type`}
                  label={`Strategy ${i + 1} type`}
                  options={['spread', 'binpack', 'random'].map((t) => ({ value: t, label: t }))}
                />
                <TextControl
                  name={`placementStrategy.${i}.field`}
                  label={`Strategy ${i + 1} field`}
                  placeholder="instanceId, memory…"
                />
                <Button size="sm" variant="ghost" className="mt-6" onClick={() => ps.remove(i)}>
                  Remove<span className="sr-only"> strategy {i + 1}</span>
                </Button>
              </li>
            ))}
          </ul>
          <Button size="sm" onClick={() => ps.append({ type: 'spread', field: 'instanceId' })}>
            Add strategy
          </Button>
        </fieldset>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Constraints</legend>
          <ul className="space-y-2">
            {pc.fields.map((f, i) => (
              <li key={f.id} className="grid grid-cols-[1fr_2fr_auto] items-start gap-2">
                <SelectControl
                  name={`placementConstraints.${i}.type`}
                  label={`Constraint ${i + 1} type`}
                  options={['distinctInstance', 'memberOf'].map((t) => ({ value: t, label: t }))}
                />
                <TextControl
                  name={`placementConstraints.${i}.expression`}
                  label={`Constraint ${i + 1} expression`}
                  placeholder="attribute:ecs.instance-type == t2.micro"
                />
                <Button size="sm" variant="ghost" className="mt-6" onClick={() => pc.remove(i)}>
                  Remove<span className="sr-only"> constraint {i + 1}</span>
                </Button>
              </li>
            ))}
          </ul>
          <Button size="sm" onClick={() => pc.append({ type: 'distinctInstance', expression: '' })}>
            Add constraint
          </Button>
        </fieldset>
      </FormSection>

      {!isUpdate && (
        <FormSection title="Tags">
          <TagRows />
        </FormSection>
      )}
    </>
  );
}
