/**
 * Controls bound to a react-hook-form by field path (values are strings; each form's zod schema turns
 * them into the API input), each with its label, hint and error beside it.
 */
import type { ReactNode } from 'react';
import { useFormContext, useFormState, type FieldValues } from 'react-hook-form';
import { CheckboxField, Field } from './field';

/** A DOM id for a field path: `containers.0.name` -> `f-containers-0-name`. */
export const formFieldId = (name: string) => `f-${name.replaceAll('.', '-')}`;

/** The error message at a path of react-hook-form's errors tree. */
export function formErrorAt(errors: unknown, path: string): string | undefined {
  let node: unknown = errors;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  if (!node || typeof node !== 'object') return undefined;
  const message = (node as { message?: unknown }).message;
  if (typeof message === 'string' && message !== '') return message;
  const root = (node as { root?: { message?: unknown } }).root;
  return typeof root?.message === 'string' ? root.message : undefined;
}

interface Base {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  className?: string;
  hideLabel?: boolean;
}

function useFieldError(name: string): string | undefined {
  const { errors } = useFormState<FieldValues>({ name });
  return formErrorAt(errors, name);
}

export function TextControl({
  placeholder,
  type = 'text',
  list,
  ...base
}: Base & { placeholder?: string; type?: 'text' | 'number'; list?: string }) {
  const { register } = useFormContext<FieldValues>();
  const error = useFieldError(base.name);
  return (
    <Field id={formFieldId(base.name)} error={error} {...base}>
      {(control) => (
        <input
          type={type}
          inputMode={type === 'number' ? 'numeric' : undefined}
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          list={list}
          {...control}
          {...register(base.name)}
        />
      )}
    </Field>
  );
}

export function TextAreaControl({ rows = 3, ...base }: Base & { rows?: number }) {
  const { register } = useFormContext<FieldValues>();
  const error = useFieldError(base.name);
  return (
    <Field id={formFieldId(base.name)} error={error} {...base}>
      {(control) => <textarea rows={rows} spellCheck={false} {...control} {...register(base.name)} />}
    </Field>
  );
}

export function SelectControl({
  options,
  ...base
}: Base & { options: Array<{ value: string; label: string; disabled?: boolean }> }) {
  const { register } = useFormContext<FieldValues>();
  const error = useFieldError(base.name);
  return (
    <Field id={formFieldId(base.name)} error={error} {...base}>
      {(control) => (
        <select {...control} {...register(base.name)}>
          {options.map((o) => (
            <option key={o.value} value={o.value} disabled={o.disabled}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function CheckboxControl({ name, label, hint }: Omit<Base, 'className' | 'hideLabel'>) {
  const { register } = useFormContext<FieldValues>();
  const error = useFieldError(name);
  return (
    <CheckboxField id={formFieldId(name)} label={label} error={error} hint={hint}>
      {(control) => <input type="checkbox" {...control} {...register(name)} />}
    </CheckboxField>
  );
}

/** A titled group of fields. */
export function FormSection({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <fieldset className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-700 dark:bg-slate-900">
      <legend className="px-1 text-sm font-semibold">{title}</legend>
      {description && <p className="text-sm text-slate-600 dark:text-slate-400">{description}</p>}
      {children}
    </fieldset>
  );
}

/** Every error message of a form, for a summary above the submit button. */
export function formErrorList(errors: unknown, prefix = ''): Array<{ path: string; message: string }> {
  if (!errors || typeof errors !== 'object') return [];
  const node = errors as Record<string, unknown>;
  const out: Array<{ path: string; message: string }> = [];
  if (typeof node['message'] === 'string' && node['message'] !== '')
    out.push({ path: prefix, message: node['message'] });
  for (const [key, child] of Object.entries(node)) {
    if (key === 'message' || key === 'type' || key === 'ref' || key === 'types') continue;
    out.push(...formErrorList(child, key === 'root' ? prefix : prefix ? `${prefix}.${key}` : key));
  }
  return out;
}

/** The errors of a failed submit, each linking to its field. */
export function FormErrorSummary() {
  const { errors, isSubmitted } = useFormState<FieldValues>();
  const list = formErrorList(errors);
  if (!isSubmitted || list.length === 0) return null;
  return (
    <div
      role="alert"
      className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
    >
      <p className="font-semibold">
        Fix {list.length === 1 ? 'this problem' : `these ${list.length} problems`} first
      </p>
      <ul className="mt-1 list-disc pl-5">
        {list.map((e) => (
          <li key={`${e.path}:${e.message}`}>
            <a className="underline" href={`#${formFieldId(e.path)}`}>
              {e.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
