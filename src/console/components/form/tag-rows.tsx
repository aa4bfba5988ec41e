import { useFieldArray, useFormContext, type FieldValues } from 'react-hook-form';
import { Button } from '../ui/button';
import { TextControl } from './controls';

/** Editable key/value rows of a form's `tags` array (ECS tag shape: key, value). */
export function TagRows({ name = 'tags' }: { name?: string }) {
  const { control } = useFormContext<FieldValues>();
  const rows = useFieldArray({ control, name });
  return (
    <div className="space-y-2">
      {rows.fields.length === 0 && <p className="text-sm text-slate-600 dark:text-slate-400">No tags.</p>}
      <ul className="space-y-2">
        {rows.fields.map((f, i) => (
          <li key={f.id} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
            <TextControl name={`${name}.${i}.key`} label={`Tag ${i + 1} key`} />
            <TextControl name={`${name}.${i}.value`} label={`Tag ${i + 1} value`} />
            <Button size="sm" variant="ghost" className="mt-6" onClick={() => rows.remove(i)}>
              Remove<span className="sr-only"> tag {i + 1}</span>
            </Button>
          </li>
        ))}
      </ul>
      <Button size="sm" onClick={() => rows.append({ key: '', value: '' })}>
        Add tag
      </Button>
    </div>
  );
}
