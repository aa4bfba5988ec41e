import { lazy, Suspense, useState } from 'react';
import { useTags } from '../../aws/queries/tags';
import { Button } from '../ui/button';
import { ErrorState } from '../ui/error-state';
import { LoadingBlock } from '../ui/skeleton';

/** The editor, with the form libraries, loaded on first edit. */
const TagsEditor = lazy(() => import('./tags-editor'));

/** An ECS resource's tags: shown, and edited with the TagResource / UntagResource calls they make. */
export function TagsSection({ resourceArn, resourceName }: { resourceArn: string; resourceName: string }) {
  const tags = useTags(resourceArn);
  const [editing, setEditing] = useState(false);
  return (
    <section className="mb-8" aria-labelledby="tags-heading">
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <h2 id="tags-heading" className="text-lg font-semibold">
          Tags
        </h2>
        {!editing && tags.data && (
          <Button size="sm" onClick={() => setEditing(true)}>
            Edit tags
          </Button>
        )}
      </div>
      {tags.error ? (
        <ErrorState title="Could not list the tags" error={tags.error} onRetry={() => void tags.refetch()} />
      ) : !tags.data ? (
        <LoadingBlock label="Loading the tags" lines={1} />
      ) : editing ? (
        <Suspense fallback={<LoadingBlock label="Loading the tag editor" lines={2} />}>
          <TagsEditor
            resourceArn={resourceArn}
            resourceName={resourceName}
            current={tags.data}
            onDone={() => setEditing(false)}
          />
        </Suspense>
      ) : tags.data.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No tags.</p>
      ) : (
        <ul className="flex flex-wrap gap-2" aria-label={`Tags of ${resourceName}`} data-testid="tags">
          {tags.data.map((t) => (
            <li
              key={t.key}
              className="rounded-md border border-slate-300 px-2 py-0.5 font-mono text-xs dark:border-slate-600"
            >
              {t.key}
              {t.value ? ` = ${t.value}` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
