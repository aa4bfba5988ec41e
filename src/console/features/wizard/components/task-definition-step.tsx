import { useFieldArray, useFormContext, useFormState } from 'react-hook-form';
import type { WizardAnswers } from '../../../../blueprint/answers';
import { Button } from '../../../components/ui/button';
import { errorAt } from '../form-errors';
import { ContainerFields } from './container-fields';
import { TextInput } from './form-controls';

export function TaskDefinitionStep() {
  const { control } = useFormContext<WizardAnswers>();
  const containers = useFieldArray({ control, name: 'taskDefinition.containers' });
  const { errors } = useFormState({ control, name: 'taskDefinition.containers' });
  const listError = errorAt(errors, 'taskDefinition.containers');
  return (
    <div className="space-y-6">
      <TextInput
        name="taskDefinition.family"
        label="Task definition name"
        hint="The family: each registration adds a revision, e.g. console-sample-app-static:1."
        className="max-w-xl"
      />
      {containers.fields.map((f, i) => (
        <ContainerFields
          key={f.id}
          index={i}
          onRemove={containers.fields.length > 1 ? () => containers.remove(i) : undefined}
        />
      ))}
      {listError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {listError}
        </p>
      )}
      <Button
        onClick={() =>
          containers.append({
            name: `container-${containers.fields.length + 1}`,
            image: '',
            memory: 128,
            cpu: 10,
            essential: true,
            portMappings: [],
            environment: [],
            links: [],
          })
        }
      >
        Add container
      </Button>
    </div>
  );
}
