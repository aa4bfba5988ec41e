/**
 * A resource's tags, edited with the TagResource / UntagResource calls they make. Loaded when the user
 * asks to edit (tags-section.tsx): the pages that show tags need neither zod nor react-hook-form.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { z } from 'zod';
import type { ApiCall } from '../../../blueprint/cli-command';
import { tagChange, useChangeTags } from '../../aws/queries/tags';
import { tagRowSchema } from '../../lib/form-values';
import { notify } from '../../lib/notices';
import { TagRows } from '../form/tag-rows';
import { ApiPreview } from '../ui/api-preview';
import { Button } from '../ui/button';
import { ErrorState } from '../ui/error-state';

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

export default function TagsEditor({
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
