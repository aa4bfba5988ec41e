/** Form controls bound to the wizard's react-hook-form by field path, each with its error beside it. */
import { useState, type ReactNode } from 'react';
import { Controller, useFormContext, useFormState, type FieldValues } from 'react-hook-form';
import { CheckboxField, Field, type ControlProps } from '../../../components/form/field';
import { cn } from '../../../lib/cn';
import { errorAt, errorsUnder, fieldId } from '../form-errors';

interface BaseProps {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  className?: string;
  hideLabel?: boolean;
}

function useError(name: string, under = false): string | undefined {
  const { errors } = useFormState<FieldValues>({ name });
  return under ? errorsUnder(errors, name) : errorAt(errors, name);
}

/** A Field bound to the form path `name`: its id and its error (or, with `under`, the errors below it). */
function BoundField({
  name,
  label,
  hint,
  className,
  hideLabel,
  under,
  children,
}: BaseProps & { under?: boolean; children: (control: ControlProps) => ReactNode }) {
  const error = useError(name, under);
  return (
    <Field
      id={fieldId(name)}
      label={label}
      error={error}
      hint={hint}
      className={className}
      hideLabel={hideLabel}
    >
      {children}
    </Field>
  );
}

/** `<option>`s for a list of value/label pairs. */
export function Options({ options }: { options: Array<{ value: string; label: string }> }) {
  return options.map((o) => (
    <option key={o.value} value={o.value}>
      {o.label}
    </option>
  ));
}

export function TextInput({ placeholder, ...base }: BaseProps & { placeholder?: string }) {
  const { register } = useFormContext<FieldValues>();
  return (
    <BoundField {...base}>
      {(control) => (
        <input
          type="text"
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          {...control}
          {...register(base.name)}
        />
      )}
    </BoundField>
  );
}

/** A whole-number input. Empty is `undefined` when optional, otherwise NaN (which the schema reports). */
export function NumberInput({ optional, ...base }: BaseProps & { optional?: boolean }) {
  const { register } = useFormContext<FieldValues>();
  return (
    <BoundField {...base}>
      {(control) => (
        <input
          type="number"
          inputMode="numeric"
          {...control}
          {...register(base.name, {
            setValueAs: (v: unknown) =>
              v === '' || v === null || v === undefined ? (optional ? undefined : NaN) : Number(v),
          })}
        />
      )}
    </BoundField>
  );
}

export function SelectInput({
  options,
  ...base
}: BaseProps & { options: Array<{ value: string; label: string }> }) {
  const { register } = useFormContext<FieldValues>();
  return (
    <BoundField {...base}>
      {(control) => (
        <select {...control} {...register(base.name)}>
          <Options options={options} />
        </select>
      )}
    </BoundField>
  );
}

export function CheckboxInput({ name, label, hint }: Omit<BaseProps, 'className' | 'hideLabel'>) {
  const { register } = useFormContext<FieldValues>();
  const error = useError(name);
  return (
    <CheckboxField id={fieldId(name)} label={label} error={error} hint={hint}>
      {(control) => <input type="checkbox" {...control} {...register(name)} />}
    </CheckboxField>
  );
}

interface ParsedTextProps<T> extends BaseProps {
  /** Text -> value stored in the form. */
  parse: (text: string) => T;
  /** Value -> text shown. */
  format: (value: T) => string;
  multiline?: boolean;
  placeholder?: string;
}

/**
 * A text control for a structured value (a list of arguments, key=value options). It keeps the text the
 * operator types (so "a, " stays while typing) and stores the parsed value; errors under the path show here.
 */
export function ParsedTextInput<T>({
  name,
  label,
  hint,
  className,
  parse,
  format,
  multiline,
  placeholder,
}: ParsedTextProps<T>) {
  const { control } = useFormContext<FieldValues>();
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <BoundField name={name} label={label} hint={hint} className={className} under>
          {(props) => (
            <SyncedText
              {...props}
              value={field.value as T}
              onChange={field.onChange}
              onBlur={field.onBlur}
              parse={parse}
              format={format}
              multiline={multiline}
              placeholder={placeholder}
              inputRef={field.ref}
            />
          )}
        </BoundField>
      )}
    />
  );
}

interface SyncedTextProps<T> {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
  className: string;
  value: T;
  onChange: (value: T) => void;
  onBlur: () => void;
  parse: (text: string) => T;
  format: (value: T) => string;
  multiline?: boolean;
  placeholder?: string;
  inputRef: (el: HTMLInputElement | HTMLTextAreaElement | null) => void;
}

function SyncedText<T>({
  value,
  onChange,
  onBlur,
  parse,
  format,
  multiline,
  inputRef,
  className,
  ...rest
}: SyncedTextProps<T>) {
  const [text, setText] = useState(() => format(value));
  const [seen, setSeen] = useState(value);
  // Follow outside changes (reset, restore) but not our own edits, which parse to the same value.
  if (value !== seen) {
    setSeen(value);
    if (JSON.stringify(parse(text)) !== JSON.stringify(value)) setText(format(value));
  }
  const common = {
    ...rest,
    value: text,
    onBlur,
    spellCheck: false,
    autoComplete: 'off',
  };
  return multiline ? (
    <textarea
      {...common}
      ref={inputRef}
      rows={3}
      className={cn(className, 'font-mono')}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parse(e.target.value));
      }}
    />
  ) : (
    <input
      type="text"
      {...common}
      ref={inputRef}
      className={cn(className, 'font-mono')}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parse(e.target.value));
      }}
    />
  );
}

/** One argument per line; blank lines are dropped. Empty -> undefined (the field is optional). */
export const argumentList = {
  parse: (text: string): string[] | undefined => {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    return lines.length > 0 ? lines : undefined;
  },
  format: (value: string[] | undefined): string => (value ?? []).join('\n'),
};

/** Comma-separated names. */
export const commaList = {
  parse: (text: string): string[] =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  format: (value: string[] | undefined): string => (value ?? []).join(', '),
};

/** `key=value`, one per line. */
export const keyValueLines = {
  parse: (text: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const eq = line.indexOf('=');
      const key = (eq < 0 ? line : line.slice(0, eq)).trim();
      out[key] = eq < 0 ? '' : line.slice(eq + 1).trim();
    }
    return out;
  },
  format: (value: Record<string, string> | undefined): string =>
    Object.entries(value ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
};
