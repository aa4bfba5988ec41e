import { useFieldArray, useFormContext, useFormState, useWatch } from 'react-hook-form';
import { logDrivers, type WizardAnswers } from '../../../../blueprint/answers';
import { Button } from '../../../components/ui/button';
import { errorsUnder } from '../form-errors';
import { Disclosure } from './disclosure';
import {
  argumentList,
  CheckboxInput,
  commaList,
  keyValueLines,
  NumberInput,
  ParsedTextInput,
  SelectInput,
  TextInput,
} from './form-controls';

interface ContainerFieldsProps {
  index: number;
  onRemove?: () => void;
}

/** One container of the task definition. */
export function ContainerFields({ index, onRemove }: ContainerFieldsProps) {
  const base = `taskDefinition.containers.${index}` as const;
  const { control, setValue } = useFormContext<WizardAnswers>();
  const { errors } = useFormState({ control, name: base });
  const name = useWatch({ control, name: `${base}.name` });
  const logConfiguration = useWatch({ control, name: `${base}.logConfiguration` });
  const ports = useFieldArray({ control, name: `${base}.portMappings` });
  const env = useFieldArray({ control, name: `${base}.environment` });
  const advancedErrors = ['command', 'entryPoint', 'environment', 'links', 'logConfiguration'].some(
    (k) => errorsUnder(errors, `${base}.${k}`) !== undefined,
  );

  return (
    <fieldset className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
      <legend className="px-1 text-sm font-semibold">
        Container {index + 1}
        {name ? `: ${name}` : ''}
      </legend>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextInput
          name={`${base}.name`}
          label="Container name"
          hint="Letters, numbers, hyphens and underscores."
        />
        <TextInput
          name={`${base}.image`}
          label="Image"
          hint="For example httpd:2.4 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        <NumberInput
          name={`${base}.memory`}
          label="Memory hard limit (MiB)"
          optional
          hint="The container is killed above it."
        />
        <NumberInput
          name={`${base}.memoryReservation`}
          label="Memory soft limit (MiB)"
          optional
          hint="Reserved for placement."
        />
        <NumberInput name={`${base}.cpu`} label="CPU units" hint="1024 units = 1 vCPU." />
      </div>
      <CheckboxInput
        name={`${base}.essential`}
        label="Essential"
        hint="If an essential container stops, the whole task stops."
      />

      <div>
        <h4 className="mb-2 text-sm font-medium">Port mappings</h4>
        {ports.fields.length === 0 && (
          <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
            No port mappings: the container is not reachable from outside.
          </p>
        )}
        <ul className="space-y-2">
          {ports.fields.map((f, j) => (
            <li key={f.id} className="grid grid-cols-[1fr_1fr_8rem_auto] items-start gap-2">
              <NumberInput
                name={`${base}.portMappings.${j}.hostPort`}
                label={`Host port (mapping ${j + 1})`}
                hint={j === 0 ? '0 = dynamic' : undefined}
              />
              <NumberInput
                name={`${base}.portMappings.${j}.containerPort`}
                label={`Container port (mapping ${j + 1})`}
              />
              <SelectInput
                name={`${base}.portMappings.${j}.protocol`}
                label={`Protocol (mapping ${j + 1})`}
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
          className="mt-2"
          onClick={() => ports.append({ hostPort: 0, containerPort: 8080, protocol: 'tcp' })}
        >
          Add port mapping
        </Button>
      </div>

      <Disclosure title="Advanced container configuration" hasErrors={advancedErrors}>
        <div className="grid gap-4 sm:grid-cols-2">
          <ParsedTextInput
            name={`${base}.entryPoint`}
            label="Entry point"
            hint="One argument per line, e.g. sh then -c."
            multiline
            {...argumentList}
          />
          <ParsedTextInput
            name={`${base}.command`}
            label="Command"
            hint="One argument per line."
            multiline
            {...argumentList}
          />
        </div>
        <div>
          <h5 className="mb-2 text-sm font-medium">Environment variables</h5>
          <ul className="space-y-2">
            {env.fields.map((f, j) => (
              <li key={f.id} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
                <TextInput name={`${base}.environment.${j}.name`} label={`Variable ${j + 1} name`} />
                <TextInput name={`${base}.environment.${j}.value`} label={`Variable ${j + 1} value`} />
                <Button size="sm" variant="ghost" className="mt-6" onClick={() => env.remove(j)}>
                  Remove<span className="sr-only"> variable {j + 1}</span>
                </Button>
              </li>
            ))}
          </ul>
          <Button size="sm" className="mt-2" onClick={() => env.append({ name: '', value: '' })}>
            Add environment variable
          </Button>
        </div>
        <ParsedTextInput
          name={`${base}.links`}
          label="Links"
          hint="Other containers of this task, comma-separated, as name or name:alias."
          placeholder="db, cache:redis"
          {...commaList}
        />
        <div className="space-y-3">
          <label className="flex items-center gap-2 text-sm font-medium">
            <input
              type="checkbox"
              className="size-4 accent-orange-600"
              checked={logConfiguration !== undefined}
              onChange={(e) =>
                setValue(
                  `${base}.logConfiguration`,
                  e.target.checked ? { logDriver: 'json-file', options: {} } : undefined,
                  {
                    shouldDirty: true,
                  },
                )
              }
            />
            Configure logging
          </label>
          {logConfiguration !== undefined && (
            <div className="grid gap-4 sm:grid-cols-2">
              <SelectInput
                name={`${base}.logConfiguration.logDriver`}
                label="Log driver"
                options={logDrivers.map((d) => ({ value: d, label: d }))}
              />
              <ParsedTextInput
                name={`${base}.logConfiguration.options`}
                label="Log options"
                hint="key=value, one per line, e.g. awslogs-group=/ecs/app"
                multiline
                {...keyValueLines}
              />
            </div>
          )}
        </div>
      </Disclosure>

      {onRemove && (
        <div className="flex justify-end">
          <Button size="sm" variant="danger" onClick={onRemove}>
            Remove container {name || index + 1}
          </Button>
        </div>
      )}
    </fieldset>
  );
}
