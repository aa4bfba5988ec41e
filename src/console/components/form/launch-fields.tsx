/**
 * Form parts that RunTask, CreateService and UpdateService share: the capacity provider strategy rows
 * and the awsvpc network configuration. Each reads and writes the form's own fields (through the
 * form context), so what is sent is what the API input and the CLI command show.
 */
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import { NetworkPickers } from '../pickers/network-pickers';
import { Button } from '../ui/button';
import { CheckboxControl, FormSection, TextControl } from './controls';

interface StrategyRow {
  capacityProvider: string;
  weight: string;
  base: string;
}

/** `capacityProviderStrategy.N.{capacityProvider,weight,base}` rows, numbered for screen readers. */
export function CapacityProviderStrategyFields() {
  const { control } = useFormContext<{ capacityProviderStrategy: StrategyRow[] }>();
  const cps = useFieldArray({ control, name: 'capacityProviderStrategy' });
  return (
    <div className="space-y-2">
      <ul className="space-y-2">
        {cps.fields.map((f, i) => (
          <li key={f.id} className="grid grid-cols-[2fr_1fr_1fr_auto] items-start gap-2">
            <TextControl
              name={`capacityProviderStrategy.${i}.capacityProvider`}
              label={`Capacity provider ${i + 1}`}
              placeholder="FARGATE"
            />
            <TextControl name={`capacityProviderStrategy.${i}.weight`} label={`Weight (${i + 1})`} />
            <TextControl name={`capacityProviderStrategy.${i}.base`} label={`Base (${i + 1})`} />
            <Button size="sm" variant="ghost" className="mt-6" onClick={() => cps.remove(i)}>
              Remove<span className="sr-only"> capacity provider {i + 1}</span>
            </Button>
          </li>
        ))}
      </ul>
      <Button size="sm" onClick={() => cps.append({ capacityProvider: 'FARGATE', weight: '1', base: '' })}>
        Add capacity provider
      </Button>
    </div>
  );
}

/** The `awsvpc` switch and, when on, the subnets, security groups and public IP it sends. */
export function AwsvpcSection({ description }: { description?: string }) {
  const { control } = useFormContext<{ awsvpc: boolean }>();
  const awsvpc = useWatch({ control, name: 'awsvpc' });
  return (
    <FormSection title="Networking (awsvpc)" description={description}>
      <CheckboxControl name="awsvpc" label="Send an awsvpc network configuration" />
      {awsvpc && (
        <div className="grid gap-4 sm:grid-cols-2">
          <NetworkPickers subnetsName="subnets" securityGroupsName="securityGroups" />
          <CheckboxControl name="assignPublicIp" label="Assign a public IP" />
        </div>
      )}
    </FormSection>
  );
}
