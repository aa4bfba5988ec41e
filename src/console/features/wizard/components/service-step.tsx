import { useFormContext, useFormState, useWatch } from 'react-hook-form';
import { defaultAutoScaling, defaultLoadBalancer, type WizardAnswers } from '../../../../blueprint/answers';
import { Field } from '../../../components/form/field';
import { errorAt, fieldId } from '../form-errors';
import { NumberInput, Options, SelectInput, TextInput } from './form-controls';

export function ServiceStep() {
  const { control, setValue, getValues } = useFormContext<WizardAnswers>();
  const loadBalancer = useWatch({ control, name: 'service.loadBalancer' });
  const containers = useWatch({ control, name: 'taskDefinition.containers' });
  const autoScaling = useWatch({ control, name: 'service.autoScaling' });
  const toggleAutoScaling = (on: boolean) =>
    setValue('service.autoScaling', on ? defaultAutoScaling(getValues('service.desiredCount')) : undefined, {
      shouldDirty: true,
      shouldValidate: isSubmitted,
    });
  const { errors, isSubmitted } = useFormState({ control, name: 'service.loadBalancer' });

  const toggleLoadBalancer = (on: boolean) => {
    if (!on) {
      setValue('service.loadBalancer', undefined, { shouldDirty: true });
      return;
    }
    const td = getValues('taskDefinition');
    const first = td.containers[0];
    setValue(
      'service.loadBalancer',
      defaultLoadBalancer(td) ?? {
        containerName: first?.name ?? '',
        containerPort: first?.portMappings[0]?.containerPort ?? 80,
        listenerPort: 80,
        healthCheckPath: '/',
      },
      { shouldDirty: true, shouldValidate: isSubmitted },
    );
  };

  const targets = containers.flatMap((c) =>
    c.portMappings.map((p) => ({
      value: `${c.name}:${p.containerPort}`,
      label: `${c.name}:${p.containerPort} (${p.protocol})`,
    })),
  );
  const current = loadBalancer ? `${loadBalancer.containerName}:${loadBalancer.containerPort}` : '';
  const options =
    targets.some((t) => t.value === current) || !loadBalancer
      ? targets
      : [{ value: current, label: current }, ...targets];
  const targetError =
    errorAt(errors, 'service.loadBalancer.containerName') ??
    errorAt(errors, 'service.loadBalancer.containerPort');

  return (
    <div className="space-y-6">
      <div className="grid max-w-3xl gap-4 sm:grid-cols-2">
        <TextInput name="service.name" label="Service name" hint="Unique within the cluster." />
        <NumberInput
          name="service.desiredCount"
          label="Desired number of tasks"
          hint="With a fixed host port, each instance runs at most one task."
        />
        <NumberInput
          name="service.minimumHealthyPercent"
          label="Minimum healthy percent"
          hint="During a deployment, 0–100."
        />
        <NumberInput
          name="service.maximumPercent"
          label="Maximum percent"
          hint="During a deployment, 100–200."
        />
        <SelectInput
          name="service.circuitBreaker"
          label="Deployment circuit breaker"
          hint="Fails a deployment whose tasks keep failing to start."
          options={[
            { value: 'off', label: 'Off' },
            { value: 'fail', label: 'On: fail the deployment' },
            { value: 'rollback', label: 'On: fail and roll back' },
          ]}
        />
      </div>

      <fieldset className="max-w-3xl space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
        <legend className="px-1 text-sm font-semibold">Load balancing (optional)</legend>
        <label className="flex items-center gap-2 text-sm font-medium">
          <input
            type="checkbox"
            className="size-4 accent-orange-600"
            checked={loadBalancer !== undefined}
            onChange={(e) => toggleLoadBalancer(e.target.checked)}
          />
          Use an Application Load Balancer
        </label>
        {loadBalancer && (
          <div className="grid gap-4 sm:grid-cols-3">
            <Field
              id={fieldId('service.loadBalancer.containerName')}
              label="Container to load balance"
              error={targetError}
              hint={
                targets.length === 0
                  ? 'No container has a port mapping yet.'
                  : 'Container name : container port.'
              }
            >
              {(control) => (
                <select
                  {...control}
                  value={current}
                  onChange={(e) => {
                    const [name = '', port = ''] = e.target.value.split(':');
                    const opts = { shouldDirty: true, shouldValidate: isSubmitted };
                    setValue('service.loadBalancer.containerName', name, opts);
                    setValue('service.loadBalancer.containerPort', Number(port), opts);
                  }}
                >
                  {options.length === 0 && <option value="">(none)</option>}
                  <Options options={options} />
                </select>
              )}
            </Field>
            <NumberInput
              name="service.loadBalancer.listenerPort"
              label="Listener port"
              hint="HTTP port the load balancer listens on."
            />
            <TextInput
              name="service.loadBalancer.healthCheckPath"
              label="Health check path"
              placeholder="/"
            />
          </div>
        )}
      </fieldset>
      <fieldset className="max-w-3xl space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
        <legend className="px-1 text-sm font-semibold">Service auto scaling (optional)</legend>
        <label className="flex items-center gap-2 text-sm font-medium">
          <input
            type="checkbox"
            className="size-4 accent-orange-600"
            checked={autoScaling !== undefined}
            onChange={(e) => toggleAutoScaling(e.target.checked)}
          />
          Scale the number of tasks to keep the service's average CPU at a target
        </label>
        {autoScaling && (
          <div className="grid gap-4 sm:grid-cols-3">
            <NumberInput name="service.autoScaling.minTasks" label="Minimum tasks" />
            <NumberInput name="service.autoScaling.maxTasks" label="Maximum tasks" />
            <NumberInput
              name="service.autoScaling.targetCpu"
              label="Target CPU utilization (%)"
              hint="Target tracking on ECSServiceAverageCPUUtilization."
            />
          </div>
        )}
      </fieldset>
    </div>
  );
}
