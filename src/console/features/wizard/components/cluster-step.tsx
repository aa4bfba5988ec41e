import { lazy, Suspense } from 'react';
import { useFieldArray, useFormContext, useFormState, useWatch } from 'react-hook-form';
import {
  defaultFargate,
  instanceTypes,
  LAUNCH_TYPES,
  type WizardAnswers,
} from '../../../../blueprint/answers';
import { Field } from '../../../components/form/field';
import { Button } from '../../../components/ui/button';
import { ErrorState } from '../../../components/ui/error-state';
import { Skeleton } from '../../../components/ui/skeleton';
import { useInstanceProfiles } from '../api/list-instance-profiles';
import { useKeyPairs } from '../../../aws/queries/key-pairs';
import { errorAt, errorsUnder, fieldId } from '../form-errors';
import { NumberInput, SelectInput, TextInput } from './form-controls';

function formatMemory(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024} GiB` : `${(mib / 1024).toFixed(2)} GiB`;
}

const CREATE_ROLE = '__create__';

// Fargate's fields (and the network pickers) load when Fargate is chosen, not with the wizard.
const FargateFields = lazy(() => import('./fargate-fields').then((m) => ({ default: m.FargateFields })));

// Creating or importing a key pair is rare: its dialog loads when the step shows, not with the wizard.
const KeyPairButtons = lazy(() =>
  import('../../../components/key-pairs/key-pair-dialog').then((m) => ({ default: m.KeyPairButtons })),
);

export function ClusterStep() {
  const { control, setValue, getValues } = useFormContext<WizardAnswers>();
  const { isSubmitted } = useFormState({ control, name: 'cluster' });
  const launchType = useWatch({ control, name: 'cluster.launchType' }) ?? 'EC2';
  const choose = (value: LaunchType) => {
    if (value === 'FARGATE' && !getValues('cluster.fargate'))
      setValue('cluster.fargate', { ...defaultFargate }, { shouldDirty: true });
    setValue('cluster.launchType', value, { shouldDirty: true, shouldValidate: isSubmitted });
  };
  const launchTypeError = errorAt(
    useFormState({ control, name: 'cluster.launchType' }).errors,
    'cluster.launchType',
  );
  return (
    <div className="max-w-3xl space-y-6">
      <div className="grid gap-4 sm:grid-cols-2">
        <TextInput
          name="cluster.name"
          label="Cluster name"
          hint="The stack will be named EC2ContainerService-<cluster>."
        />
      </div>
      <fieldset
        id={fieldId('cluster.launchType')}
        className="space-y-2"
        aria-describedby={launchTypeError ? `${fieldId('cluster.launchType')}-error` : undefined}
      >
        <legend className="text-sm font-medium">Run the tasks on</legend>
        {LAUNCH_CHOICES.map((c) => (
          <label key={c.value} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="cluster-launch-type"
              value={c.value}
              checked={launchType === c.value}
              onChange={() => choose(c.value)}
              className="mt-1"
            />
            <span>
              <span className="font-medium">{c.label}</span>
              <span className="block text-xs text-slate-600 dark:text-slate-400">{c.detail}</span>
            </span>
          </label>
        ))}
        {launchTypeError && (
          <p
            id={`${fieldId('cluster.launchType')}-error`}
            role="alert"
            className="text-sm text-red-700 dark:text-red-400"
          >
            {launchTypeError}
          </p>
        )}
      </fieldset>
      {launchType === 'FARGATE' ? (
        <Suspense fallback={<Skeleton className="h-40 w-full" />}>
          <FargateFields />
        </Suspense>
      ) : (
        <Ec2ClusterFields />
      )}
    </div>
  );
}

type LaunchType = (typeof LAUNCH_TYPES)[number];

const LAUNCH_CHOICES: Array<{ value: LaunchType; label: string; detail: string }> = [
  {
    value: 'EC2',
    label: 'EC2 instances (the 2015 cluster)',
    detail: 'A stack with a VPC, a launch configuration and an Auto Scaling group of container instances.',
  },
  {
    value: 'FARGATE',
    label: 'Fargate (no instances to manage)',
    detail: 'Tasks run on Fargate in subnets you choose; the stack holds only the service.',
  },
];

function Ec2ClusterFields() {
  const { control, setValue } = useFormContext<WizardAnswers>();
  const ingress = useFieldArray({ control, name: 'cluster.ingress' });
  const keyName = useWatch({ control, name: 'cluster.keyName' });
  const instanceRole = useWatch({ control, name: 'cluster.instanceRole' });
  const { errors, isSubmitted } = useFormState({ control, name: 'cluster' });
  const keyPairs = useKeyPairs();
  const profiles = useInstanceProfiles();

  const profileNames = profiles.data ?? [];
  const currentProfile = instanceRole?.kind === 'existing' ? instanceRole.name : CREATE_ROLE;
  const profileOptions =
    currentProfile !== CREATE_ROLE && !profileNames.includes(currentProfile)
      ? [currentProfile, ...profileNames]
      : profileNames;
  const roleError = errorsUnder(errors, 'cluster.instanceRole');
  const keyError = errorAt(errors, 'cluster.keyName');

  return (
    <div className="space-y-6">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectInput
          name="cluster.instanceType"
          label="EC2 instance type"
          options={instanceTypes.map((t) => ({
            value: t.name,
            label: `${t.name} (${t.vcpu} vCPU, ${formatMemory(t.memoryMiB)})`,
          }))}
        />
        <NumberInput
          name="cluster.instanceCount"
          label="Number of instances"
          hint="The Auto Scaling group's desired size."
        />

        <Field
          id={fieldId('cluster.keyName')}
          label="Key pair"
          error={keyError}
          hint={
            keyPairs.data && keyPairs.data.length === 0
              ? 'No key pairs in this region yet: create or import one, or choose none (no SSH access).'
              : 'Without one there is no SSH access to the instances.'
          }
        >
          {(props) =>
            keyPairs.isPending ? (
              <Skeleton className="h-8 w-full" />
            ) : (
              <select
                {...props}
                value={keyName ?? ''}
                onChange={(e) =>
                  setValue('cluster.keyName', e.target.value === '' ? undefined : e.target.value, {
                    shouldDirty: true,
                    shouldValidate: isSubmitted,
                  })
                }
              >
                <option value="">None (no SSH access)</option>
                {keyName && !keyPairs.data?.includes(keyName) && <option value={keyName}>{keyName}</option>}
                {(keyPairs.data ?? []).map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            )
          }
        </Field>
        <div className="sm:col-start-2">
          <Suspense fallback={null}>
            <KeyPairButtons
              onAdded={(name) =>
                setValue('cluster.keyName', name, { shouldDirty: true, shouldValidate: isSubmitted })
              }
            />
          </Suspense>
        </div>
      </div>
      {keyPairs.isError && (
        <ErrorState
          title="Could not list key pairs (EC2 DescribeKeyPairs)"
          error={keyPairs.error}
          onRetry={() => void keyPairs.refetch()}
        />
      )}

      <fieldset className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
        <legend className="px-1 text-sm font-semibold">Security group inbound rules</legend>
        {ingress.fields.length === 0 && (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            No inbound rules: nothing can reach the instances.
          </p>
        )}
        <ul className="space-y-2">
          {ingress.fields.map((f, i) => (
            <li key={f.id} className="grid grid-cols-[8rem_1fr_auto] items-start gap-2">
              <NumberInput name={`cluster.ingress.${i}.port`} label={`Port (rule ${i + 1})`} />
              <TextInput
                name={`cluster.ingress.${i}.cidr`}
                label={`Source CIDR (rule ${i + 1})`}
                placeholder="0.0.0.0/0"
              />
              <Button size="sm" variant="ghost" className="mt-6" onClick={() => ingress.remove(i)}>
                Remove<span className="sr-only"> rule {i + 1}</span>
              </Button>
            </li>
          ))}
        </ul>
        <Button size="sm" onClick={() => ingress.append({ port: 80, cidr: '0.0.0.0/0' })}>
          Add rule
        </Button>
      </fieldset>

      <Field
        id={fieldId('cluster.instanceRole')}
        label="Container instance IAM role"
        error={roleError}
        hint="The instance profile lets the ECS agent call ECS. A new role gets AmazonEC2ContainerServiceforEC2Role."
        className="max-w-xl"
      >
        {(props) =>
          profiles.isPending ? (
            <Skeleton className="h-8 w-full" />
          ) : (
            <select
              {...props}
              value={currentProfile}
              onChange={(e) =>
                setValue(
                  'cluster.instanceRole',
                  e.target.value === CREATE_ROLE
                    ? { kind: 'create' }
                    : { kind: 'existing', name: e.target.value },
                  { shouldDirty: true, shouldValidate: isSubmitted },
                )
              }
            >
              {profileOptions.map((p) => (
                <option key={p} value={p}>
                  {p}
                  {profiles.data && !profiles.data.includes(p) ? ' (not found in this account)' : ''}
                </option>
              ))}
              <option value={CREATE_ROLE}>Create new role</option>
            </select>
          )
        }
      </Field>
      {profiles.isError && (
        <ErrorState
          title="Could not list instance profiles (IAM ListInstanceProfiles)"
          error={profiles.error}
          onRetry={() => void profiles.refetch()}
        />
      )}
    </div>
  );
}
