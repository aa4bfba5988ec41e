import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { z } from 'zod';
import type { ApiCall } from '../../../blueprint/cli-command';
import { tagChange, useChangeTags, useTags } from '../../aws/queries/tags';
import { tagRowSchema } from '../../lib/form-values';
import { notify } from '../../lib/notices';
import { TagRows } from '../form/tag-rows';
import { ApiPreview } from '../ui/api-preview';
import { Button } from '../ui/button';
import { ErrorState } from '../ui/error-state';
import { LoadingBlock } from '../ui/skeleton';

const tagsFormSchema = z
  .object({ tags: z.array(tagRowSchema).max(50, 'A resource has at most 50 tags.') })
  .superRefine((v, ctx) => {
    const keys = v.tags.map((t) => t.key);
    keys.forEach((k, i) => {
      if (keys.indexOf(k) !== i)
        ctx.addIssue({ code: 'custom', path: ['tags', i, 'key'], message: `The key ${k} is used twice.` });
      if (k.toLowerCase().startsWith('aws:'))
        ctx.addIssue({
          code: 'custom',
          path: ['tags', i, 'key'],
          message: 'Keys starting with aws: are reserved.',
        });
    });
  });
type TagsForm = z.infer<typeof tagsFormSchema>;

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
        <TagsEditor
          resourceArn={resourceArn}
          resourceName={resourceName}
          current={tags.data}
          onDone={() => setEditing(false)}
        />
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

function TagsEditor({
  resourceArn,
  resourceName,
  current,
  onDone,
}: {
  resourceArn: string;
  resourceName: string;
  current: Array<{ key?: string; value?: string }>;
  onDone: () => void;
}) {
  const form = useForm<TagsForm>({
    defaultValues: { tags: current.map((t) => ({ key: t.key ?? '', value: t.value ?? '' })) },
    resolver: zodResolver(tagsFormSchema),
  });
  const change = useChangeTags(resourceArn);
  const rows = useWatch({ control: form.control, name: 'tags' }) ?? [];
  const plan = tagChange(resourceArn, current, rows);
  const calls: ApiCall[] = [
    ...(plan.untagResource
      ? [{ service: 'ecs', operation: 'UntagResource', input: plan.untagResource }]
      : []),
    ...(plan.tagResource ? [{ service: 'ecs', operation: 'TagResource', input: plan.tagResource }] : []),
  ];
  const onSubmit = form.handleSubmit((v) => {
    const final = tagChange(resourceArn, current, v.tags);
    change.mutate(final, {
      onSuccess: () => {
        notify('success', `Tags of ${resourceName} saved.`);
        onDone();
      },
    });
  });
  return (
    <FormProvider {...form}>
      <form
        noValidate
        onSubmit={(e) => void onSubmit(e)}
        className="space-y-3"
        aria-label={`Tags of ${resourceName}`}
      >
        <TagRows />
        {calls.length > 0 ? (
          <ApiPreview calls={calls} title="What saving sends" />
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">No change yet.</p>
        )}
        {change.isError && <ErrorState title="ECS refused the tags" error={change.error} />}
        <div className="flex gap-2">
          <Button type="submit" variant="primary" disabled={calls.length === 0 || change.isPending}>
            Save tags
          </Button>
          <Button onClick={onDone}>Cancel</Button>
        </div>
      </form>
    </FormProvider>
  );
}
