import type { DesiredStatus } from '@aws-sdk/client-ecs';
import { FilterSelect, useUrlFilters } from '../../../components/ui/filters';
import { moreOf } from '../../../aws/paged';
import { Button, ButtonLink } from '../../../components/ui/button';
import { TASKS_PAGE, useTasks } from '../api/list-tasks';
import { TasksTable } from './tasks-table';

function desiredFrom(value: string | null): DesiredStatus {
  return value === 'STOPPED' ? 'STOPPED' : 'RUNNING';
}

/**
 * The tasks of a cluster, or of one service when `service` is given. The desired-status filter (and, on
 * the cluster, the service filter) live in the URL: ?desired=RUNNING|STOPPED&taskService=name.
 */
export function ClusterTasks({
  cluster,
  service,
  serviceNames,
  pollFast = false,
}: {
  cluster: string;
  service?: string;
  serviceNames?: string[];
  /** Poll at the transition cadence (the page knows its service is deploying). */
  pollFast?: boolean;
}) {
  const [params, set] = useUrlFilters();
  const desiredStatus = desiredFrom(params.get('desired'));
  const serviceName = service ?? params.get('taskService') ?? '';
  const tasks = useTasks(cluster, { desiredStatus, ...(serviceName ? { serviceName } : {}) }, pollFast);
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-end gap-3 text-sm">
        <FilterSelect label="Desired status" value={desiredStatus} onChange={(v) => set('desired', v)}>
          <option value="RUNNING">Running</option>
          <option value="STOPPED">Stopped</option>
        </FilterSelect>
        {service === undefined && (
          <FilterSelect label="Service" value={serviceName} onChange={(v) => set('taskService', v)}>
            <option value="">All services</option>
            {[...new Set([...(serviceName ? [serviceName] : []), ...(serviceNames ?? [])])].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </FilterSelect>
        )}
      </div>
      <TasksTable
        cluster={cluster}
        caption={serviceName ? `Tasks of service ${serviceName}` : `Tasks in cluster ${cluster}`}
        tasks={tasks.rows}
        isLoading={tasks.isPending}
        error={tasks.error}
        onRetry={tasks.refetch}
        more={moreOf(tasks, `Load ${TASKS_PAGE} more tasks`)}
        pages={tasks.pages}
        onVisible={tasks.onVisible}
        empty={emptyTasks(cluster, desiredStatus, serviceName, service !== undefined, (v) =>
          set('desired', v),
        )}
      />
    </div>
  );
}

/** An empty tasks list says which tasks there are none of, and what to do next. */
function emptyTasks(
  cluster: string,
  desired: DesiredStatus,
  serviceName: string,
  ofService: boolean,
  showDesired: (value: DesiredStatus) => void,
) {
  const whose = serviceName ? `of service ${serviceName}` : `in cluster ${cluster}`;
  if (desired === 'STOPPED') {
    return {
      title: `No stopped tasks ${whose}`,
      description: 'ECS lists a stopped task for about an hour after it stops.',
      action: (
        <Button size="sm" onClick={() => showDesired('RUNNING')}>
          Show running tasks
        </Button>
      ),
    };
  }
  return {
    title: `No running tasks ${whose}`,
    description: serviceName
      ? 'When the service cannot start its tasks, its events say why.'
      : 'A service starts tasks to keep its desired count; Run task starts one-off tasks.',
    action: (
      <span className="flex flex-wrap justify-center gap-2">
        {!ofService && (
          <ButtonLink size="sm" to={`/clusters/${encodeURIComponent(cluster)}/run-task`}>
            Run task
          </ButtonLink>
        )}
        <Button size="sm" onClick={() => showDesired('STOPPED')}>
          Show stopped tasks
        </Button>
      </span>
    ),
  };
}
