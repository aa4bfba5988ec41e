import type { Task } from '@aws-sdk/client-ecs';
import type { RowSelectionState } from '@tanstack/react-table';
import { useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useEc2IdsByGroups } from '../../../aws/queries/container-instances';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { DataTable, type DataColumn, type LoadMoreProps } from '../../../components/ui/data-table';
import { StatusBadge } from '../../../components/ui/status-badge';
import { formatTime, lastPart, linkClass } from '../../../lib/format';
import { notify } from '../../../lib/notices';
import { useStopTasks } from '../api/stop-tasks';

const ROW_HEIGHT = 37;

interface TasksTableProps {
  cluster: string;
  tasks: Task[] | undefined;
  isLoading: boolean;
  error: unknown;
  onRetry: () => void;
  caption: string;
  height?: number;
  /** The next page of ListTasks. */
  more?: LoadMoreProps;
  /** The tasks by page loaded (each page's instances are read once, with the page). */
  pages?: Task[][];
  /** The task ARNs in view, as they change (the list refreshes those). */
  onVisible?: (taskArns: readonly string[]) => void;
  /** What an empty list says (the caller knows its filters). */
  empty?: { title: string; description?: ReactNode; action?: ReactNode };
}

const time = (d: Date | undefined) => (d ? d.toISOString() : undefined);

/** The instances of a page of tasks: the same array while the page is (each page's instances read once). */
const instanceArns = new WeakMap<readonly Task[], string[]>();
function instanceArnsOf(page: readonly Task[]): string[] {
  let arns = instanceArns.get(page);
  if (!arns) {
    arns = page.map((t) => t.containerInstanceArn ?? '');
    instanceArns.set(page, arns);
  }
  return arns;
}

function columns(cluster: string, ec2Of: Map<string, string>): Array<DataColumn<Task>> {
  const c = encodeURIComponent(cluster);
  return [
    {
      id: 'task',
      header: 'Task',
      track: 'minmax(10rem,1.4fr)',
      className: 'font-mono text-xs',
      value: (t) => lastPart(t.taskArn),
      cell: (t) => (
        <Link className={linkClass} to={`/clusters/${c}/tasks/${lastPart(t.taskArn)}`}>
          {lastPart(t.taskArn)}
        </Link>
      ),
    },
    {
      id: 'status',
      header: 'Last status',
      track: '7rem',
      value: (t) => t.lastStatus,
      cell: (t) => <StatusBadge status={t.lastStatus ?? '—'} />,
    },
    {
      id: 'desired',
      header: 'Desired',
      track: '6rem',
      className: 'text-xs',
      value: (t) => t.desiredStatus,
      cell: (t) => t.desiredStatus,
    },
    {
      id: 'taskDefinition',
      header: 'Task definition',
      track: 'minmax(8rem,1fr)',
      value: (t) => lastPart(t.taskDefinitionArn),
      cell: (t) => lastPart(t.taskDefinitionArn),
    },
    {
      id: 'instance',
      header: 'Instance',
      track: 'minmax(10rem,0.9fr)',
      className: 'font-mono text-xs',
      value: (t) => ec2Of.get(t.containerInstanceArn ?? '') ?? '',
      cell: (t) => {
        const id = ec2Of.get(t.containerInstanceArn ?? '');
        if (!t.containerInstanceArn) return '—';
        return id ? (
          <Link className={linkClass} to={`/clusters/${c}?tab=instances&q=${encodeURIComponent(id)}`}>
            {id}
          </Link>
        ) : (
          lastPart(t.containerInstanceArn).slice(0, 12)
        );
      },
    },
    {
      id: 'started',
      header: 'Started',
      track: '9rem',
      className: 'text-xs',
      value: (t) => time(t.startedAt),
      sortValue: (t) => t.startedAt?.getTime(),
      cell: (t) => formatTime(t.startedAt),
    },
    {
      id: 'stopped',
      header: 'Stopped',
      track: '9rem',
      className: 'text-xs',
      value: (t) => time(t.stoppedAt),
      sortValue: (t) => t.stoppedAt?.getTime(),
      cell: (t) => formatTime(t.stoppedAt),
    },
    {
      id: 'stopCode',
      header: 'Stop code',
      track: 'minmax(8rem,0.8fr)',
      className: 'text-xs',
      value: (t) => t.stopCode,
      cell: (t) => t.stopCode ?? '',
    },
    {
      id: 'reason',
      header: 'Stop reason',
      track: 'minmax(10rem,1.5fr)',
      className: 'text-xs',
      value: (t) => t.stoppedReason,
      cell: (t) => <span title={t.stoppedReason}>{t.stoppedReason ?? ''}</span>,
    },
    {
      id: 'group',
      header: 'Group',
      track: 'minmax(8rem,1fr)',
      className: 'text-xs',
      value: (t) => t.group,
      cell: (t) => t.group ?? '',
      hiddenByDefault: true,
    },
  ];
}

/**
 * The tasks of a cluster or service (TanStack Table on TanStack Virtual: 10,000 rows scroll smoothly),
 * newest start first; the instance column names the EC2 instance and links to it; select tasks and stop
 * them together, with a reason, after a confirmation.
 */
export function TasksTable({
  cluster,
  tasks,
  isLoading,
  error,
  onRetry,
  caption,
  height = 560,
  more,
  pages,
  onVisible,
  empty = { title: 'No tasks', description: 'No task matches the filters.' },
}: TasksTableProps) {
  const groups = useMemo(() => (pages ?? (tasks ? [tasks] : [])).map(instanceArnsOf), [pages, tasks]);
  const ec2Of = useEc2IdsByGroups(cluster, groups);
  const cols = useMemo(() => columns(cluster, ec2Of), [cluster, ec2Of]);
  const virtual = useMemo(
    () => ({
      height,
      rowHeight: ROW_HEIGHT,
      scrollTestId: 'tasks-scroll',
      rowTestId: 'task-row',
      ...(onVisible && { onVisibleRows: onVisible }),
    }),
    [height, onVisible],
  );
  const [selected, setSelected] = useState<RowSelectionState>({});
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('Stopped from the ECS console');
  const stop = useStopTasks();
  // Not a walk of every task on each render while nothing is selected.
  const chosen = Object.values(selected).some(Boolean)
    ? (tasks ?? []).filter((t) => selected[t.taskArn ?? ''] && t.desiredStatus !== 'STOPPED')
    : [];
  const inputs = chosen.map((t) => ({
    cluster,
    task: t.taskArn ?? '',
    ...(reason.trim() && { reason: reason.trim() }),
  }));
  return (
    <>
      <DataTable
        tableId="tasks"
        caption={caption}
        resourceName="tasks"
        columns={cols}
        rows={tasks}
        rowKey={(t) => t.taskArn ?? ''}
        isLoading={isLoading}
        error={error}
        onRetry={onRetry}
        defaultSort={{ id: 'started', desc: true }}
        selection={{ selected, onChange: setSelected }}
        countTestId="tasks-count"
        more={more}
        toolbar={
          <Button
            size="sm"
            variant="danger"
            disabled={chosen.length === 0}
            onClick={() => setConfirming(true)}
          >
            Stop selected{chosen.length ? ` (${chosen.length})` : ''}
          </Button>
        }
        virtual={virtual}
        empty={empty}
      />
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Stop ${chosen.length} ${chosen.length === 1 ? 'task' : 'tasks'}`}
        confirmLabel={`Stop ${chosen.length === 1 ? 'task' : 'tasks'}`}
        calls={inputs.map((input) => ({ service: 'ecs', operation: 'StopTask', input }))}
        pending={stop.isPending}
        error={stop.error}
        errorTitle="ECS refused to stop a task"
        onConfirm={() =>
          stop.mutate(inputs, {
            onSuccess: (n) => {
              notify('success', `Stopping ${n} ${n === 1 ? 'task' : 'tasks'}.`);
              setSelected({});
              setConfirming(false);
            },
          })
        }
      >
        <p>
          ECS stops {chosen.map((t) => lastPart(t.taskArn)).join(', ')}. A service starts replacements for its
          own tasks.
        </p>
        <label className="flex flex-col gap-1">
          <span>Reason (shown as the tasks&apos; stopped reason)</span>
          <input
            value={reason}
            maxLength={255}
            onChange={(e) => setReason(e.target.value)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
          />
        </label>
      </ConfirmDialog>
    </>
  );
}
