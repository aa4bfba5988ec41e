/** Step 3, Fargate: the tasks' network (VPC, subnets, security groups, public IP) and the task size. */
import { FARGATE_CPU_UNITS, fargateMemoryChoices } from '../../../../facts/fargate-sizes';
import { NetworkPickers } from '../../../components/pickers/network-pickers';
import { useWatch, useFormContext } from 'react-hook-form';
import type { WizardAnswers } from '../../../../blueprint/answers';
import { NumberInput, SelectInput } from './form-controls';

export function FargateFields() {
  const { control } = useFormContext<WizardAnswers>();
  const cpu = useWatch({ control, name: 'cluster.fargate.cpu' });
  const memoryHint =
    typeof cpu === 'number' && FARGATE_CPU_UNITS.includes(cpu)
      ? `With ${cpu} CPU units: ${fargateMemoryChoices(cpu)} MiB.`
      : 'Fargate sizes: memory depends on the CPU.';
  return (
    <fieldset className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
      <legend className="px-1 text-sm font-semibold">Fargate task networking and size</legend>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Each task gets its own network interface (awsvpc) in one of these subnets; ECS runs it on Fargate, so
        there is no instance, launch configuration or Auto Scaling group.
      </p>
      <div className="grid gap-4 sm:grid-cols-2">
        <NetworkPickers
          subnetsName="cluster.fargate.subnets"
          securityGroupsName="cluster.fargate.securityGroups"
          vpcName="cluster.fargate.vpc"
        />
        <SelectInput
          name="cluster.fargate.assignPublicIp"
          label="Public IP"
          hint="ENABLED gives each task's interface a public IP (needed to pull images without a NAT)."
          options={[
            { value: 'ENABLED', label: 'ENABLED' },
            { value: 'DISABLED', label: 'DISABLED' },
          ]}
        />
        <div />
        <NumberInput
          name="cluster.fargate.cpu"
          label="Task CPU (units)"
          hint={`1024 units = 1 vCPU. Fargate: ${FARGATE_CPU_UNITS.join(', ')}.`}
        />
        <NumberInput name="cluster.fargate.memory" label="Task memory (MiB)" hint={memoryHint} />
      </div>
    </fieldset>
  );
}
