import type { Service } from '@aws-sdk/client-ecs';
import { StatusBadge } from '../../../components/ui/status-badge';

/** Running vs desired tasks, deployments, and the service's latest events. */
export function ServiceProgress({ service }: { service: Service }) {
  const events = (service.events ?? []).slice(0, 8);
  return (
    <div className="mt-3 space-y-2 text-sm">
      <p className="flex flex-wrap items-center gap-3">
        {service.status && <StatusBadge status={service.status} />}
        <span data-testid="service-counts">
          {service.runningCount ?? 0} running / {service.desiredCount ?? 0} desired ·{' '}
          {service.pendingCount ?? 0} pending · {service.deployments?.length ?? 0} deployment
          {service.deployments?.length === 1 ? '' : 's'}
        </span>
      </p>
      {events.length > 0 && (
        <ul
          className="space-y-1 rounded-md border border-slate-200 p-2 text-xs dark:border-slate-700"
          aria-label="Service events"
        >
          {events.map((e, i) => (
            <li key={e.id ?? i} className="flex gap-2">
              <span className="shrink-0 text-slate-600 tabular-nums dark:text-slate-400">
                {e.createdAt?.toLocaleTimeString()}
              </span>
              <span>{e.message}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
