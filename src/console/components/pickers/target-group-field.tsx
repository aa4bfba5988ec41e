/**
 * A load balancer row's target group: chosen from DescribeTargetGroups (paged with Marker, searched over
 * what is loaded) or typed as an ARN; and its container and port, chosen from the task definition's port
 * mappings or typed. Every value lands in the form's own fields, so what is sent is what the form shows.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { useId, useState } from 'react';
import { useFormContext, useFormState, useWatch, type FieldValues } from 'react-hook-form';
import { useTargetGroups } from '../../aws/queries/network';
import { cn } from '../../lib/cn';
import { selectClass } from '../../lib/format';
import { TextControl } from '../form/controls';
import { Button } from '../ui/button';
import { ErrorState } from '../ui/error-state';

/** `index`: the row's place (labels say "Target group (1)"). */
export function TargetGroupField({ name, index }: { name: string; index: number }) {
  const label = `Target group (${index + 1})`;
  const groups = useTargetGroups();
  const { setValue } = useFormContext<FieldValues>();
  const { isSubmitted } = useFormState<FieldValues>({ name });
  const value = String(useWatch<FieldValues>({ name }) ?? '');
  const [search, setSearch] = useState('');
  const uid = useId();
  const term = search.trim().toLowerCase();
  const shown = (groups.rows ?? []).filter(
    // The chosen group stays an option while the search hides the others.
    (g) =>
      !term ||
      g.TargetGroupArn === value ||
      `${g.TargetGroupName} ${g.TargetGroupArn}`.toLowerCase().includes(term),
  );
  const listed = shown.some((g) => g.TargetGroupArn === value);
  return (
    <div className="min-w-0 space-y-2">
      <div className="flex flex-wrap items-end gap-2">
        {/* Labelled by id, not wrapped: a wrapping label's text would take in the options' text. */}
        <div className="flex min-w-0 flex-1 flex-col gap-1">
          <label htmlFor={`${uid}-select`} className="text-sm font-medium">
            {label}
          </label>
          <select
            id={`${uid}-select`}
            value={listed ? value : ''}
            onChange={(e) =>
              e.target.value &&
              setValue(name, e.target.value, { shouldDirty: true, shouldValidate: isSubmitted })
            }
            className={cn(selectClass, 'w-full min-w-0')}
            aria-describedby={`${uid}-count`}
          >
            <option value="">
              {groups.isPending ? 'Loading target groups…' : value && !listed ? 'Typed below' : 'Choose…'}
            </option>
            {shown.map((g) => (
              <option key={g.TargetGroupArn} value={g.TargetGroupArn}>
                {[g.TargetGroupName, `${g.Protocol ?? ''}:${g.Port ?? ''}`, g.TargetType, g.VpcId]
                  .filter(Boolean)
                  .join(' · ')}
              </option>
            ))}
          </select>
        </div>
        <label className="flex flex-col gap-1 text-xs text-slate-600 dark:text-slate-400">
          Search target groups by name<span className="sr-only"> ({index + 1})</span>
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
            className={selectClass}
          />
        </label>
        {groups.hasMore && (
          <Button size="sm" disabled={groups.loadingMore} onClick={groups.loadMore}>
            {groups.loadingMore ? 'Loading…' : 'Load more target groups'}
          </Button>
        )}
      </div>
      <p id={`${uid}-count`} className="text-xs text-slate-600 dark:text-slate-400">
        {groups.rows
          ? `${groups.rows.length} target group${groups.rows.length === 1 ? '' : 's'} loaded${groups.hasMore ? ', more to load' : ''}.`
          : ''}
      </p>
      {Boolean(groups.error) && (
        <ErrorState title="Could not list target groups" error={groups.error} onRetry={groups.refetch} />
      )}
      <TextControl
        name={name}
        label={`Target group ARN (${index + 1})`}
        hint="Chosen above, or typed (a target group the list does not show)."
        placeholder="arn:aws:elasticloadbalancing:…:targetgroup/name/id"
      />
    </div>
  );
}

/** The containers' port mappings of a task definition, as `container:port` choices. */
export function containerPorts(td: TaskDefinition | undefined): Array<{ container: string; port: number }> {
  return (td?.containerDefinitions ?? []).flatMap((c) =>
    (c.portMappings ?? [])
      .filter((p) => p.containerPort !== undefined && (p.protocol ?? 'tcp') === 'tcp')
      .map((p) => ({ container: c.name ?? '', port: p.containerPort as number })),
  );
}

/** Picks a container and port of the task definition into two text fields (which stay editable). */
export function ContainerPortPicker({
  taskDefinition,
  containerName,
  containerPort,
  index,
}: {
  taskDefinition: TaskDefinition | undefined;
  /** The load balancer row's place: labels stay unique with several rows. */
  index: number;
  containerName: string;
  containerPort: string;
}) {
  const { setValue } = useFormContext<FieldValues>();
  const { isSubmitted } = useFormState<FieldValues>();
  const [name, port] = useWatch<FieldValues>({ name: [containerName, containerPort] }) as [unknown, unknown];
  const uid = useId();
  const pairs = containerPorts(taskDefinition);
  const current = `${String(name ?? '')}:${String(port ?? '')}`;
  if (!taskDefinition) return null;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={uid} className="text-sm font-medium">
        Container and port of {taskDefinition.family}:{taskDefinition.revision} ({index + 1})
      </label>
      <select
        id={uid}
        value={pairs.some((p) => `${p.container}:${p.port}` === current) ? current : ''}
        onChange={(e) => {
          const pair = pairs.find((p) => `${p.container}:${p.port}` === e.target.value);
          if (!pair) return;
          const options = { shouldDirty: true, shouldValidate: isSubmitted };
          setValue(containerName, pair.container, options);
          setValue(containerPort, String(pair.port), options);
        }}
        className={cn(selectClass, 'w-full min-w-0')}
      >
        <option value="">{pairs.length ? 'Choose…' : 'No container maps a TCP port'}</option>
        {pairs.map((p) => (
          <option key={`${p.container}:${p.port}`} value={`${p.container}:${p.port}`}>
            {p.container} : {p.port}
          </option>
        ))}
      </select>
    </div>
  );
}
