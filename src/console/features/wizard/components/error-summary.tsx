import { Link } from 'react-router';
import { fieldId, type FlatError } from '../form-errors';
import { fieldLabel } from '../field-labels';
import { stepOfPath, type StepId } from '../steps';

/** The list of problems blocking the step, each linking to its field (on whichever step owns it). */
export function ErrorSummary({
  errors,
  title,
  current,
}: {
  errors: FlatError[];
  title: string;
  current: StepId;
}) {
  if (errors.length === 0) return null;
  return (
    <div
      role="alert"
      className="mb-6 rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
      data-testid="error-summary"
    >
      <p className="font-semibold">{title}</p>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        {errors.map((e) => {
          const step = stepOfPath(e.path);
          return (
            <li key={`${e.path}:${e.message}`}>
              <Link
                className="underline underline-offset-2"
                to={`/get-started/${step.id}#${fieldId(e.path)}`}
              >
                {fieldLabel(e.path)}
              </Link>
              {step.id !== current && ` (${step.title} step)`}: {e.message}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
