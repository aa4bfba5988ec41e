import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { lazy, Suspense, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useParams } from 'react-router';
import { Breadcrumbs, clusterTrail } from '../../../components/ui/breadcrumbs';
import { ErrorState } from '../../../components/ui/error-state';
import { PageHeader, StatusTitle } from '../../../components/ui/page-header';
import { QueryView } from '../../../components/ui/query-view';
import { Stat } from '../../../components/ui/stat';
import { ResourceTable, type Column } from '../../../components/ui/resource-table';
import { LoadingBlock } from '../../../components/ui/skeleton';
import { StatusBadge } from '../../../components/ui/status-badge';
import { useServiceLoadBalancers } from '../api/describe-load-balancers';
import { TRANSITION_POLL_MS } from '../../../aws/poll';
import { useService } from '../../../aws/queries/describe-service';
import { inTransition } from '../../../aws/queries/service-poll';
import { mergeServiceEvents } from '../events';
import { formatTime, linkClass } from '../../../lib/format';
import { DeploymentHistory } from './deployment-history';
import { EventsTimeline } from './events-timeline';
import { ServiceActions } from './service-actions';
import { StuckHint } from './stuck-hint';
import { TagsSection } from '../../../components/tags/tags-section';
import { taskDefinitionLink } from './services-table';

/** Health and metrics, auto scaling, test traffic: loaded with uPlot only when a service page opens. */
const ServiceMonitoring = lazy(() => import('./service-monitoring'));

const deploymentColumns: Array<Column<Deployment>> = [
  { id: 'status', header: 'Status', cell: (d) => <StatusBadge status={d.status ?? ''} /> },
  {
    id: 'rollout',
    header: 'Rollout',
    cell: (d) => (d.rolloutState ? <StatusBadge status={d.rolloutState} /> : '—'),
  },
  {
    id: 'counts',
    header: 'Desired / running / pending / failed',
    className: 'tabular-nums',
    cell: (d) =>
      `${d.desiredCount ?? 0} / ${d.runningCount ?? 0} / ${d.pendingCount ?? 0} / ${d.failedTasks ?? 0}`,
  },
  { id: 'taskdef', header: 'Task definition', cell: (d) => taskDefinitionLink(d.taskDefinition) },
  { id: 'updated', header: 'Updated', cell: (d) => formatTime(d.updatedAt ?? d.createdAt) },
  { id: 'reason', header: 'Rollout reason', cell: (d) => d.rolloutStateReason ?? '' },
];

function Section({ title, children }: { title: string; children: ReactNode }) {
  // An id without spaces: aria-labelledby reads a space-separated list of ids.
  const id = `section-${title.toLowerCase().replace(/\s+/g, '-')}`;
  return (
    <section className="mb-8" aria-labelledby={id}>
      <h2 id={id} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Count({ label, value }: { label: string; value: number }) {
  return <Stat label={label} value={value} testId={`service-${label.toLowerCase()}`} />;
}

function LoadBalancers({ service }: { service: Service }) {
  const lbs = useServiceLoadBalancers(service.loadBalancers ?? []);
  if (!service.loadBalancers?.length) return <p className="text-sm">This service has no load balancer.</p>;
  if (lbs.error) return <ErrorState title="Could not describe the load balancers" error={lbs.error} />;
  if (!lbs.data) return <LoadingBlock label="Loading load balancers" lines={2} />;
  return (
    <ul className="space-y-2 text-sm">
      {lbs.data.map((lb, i) => (
        <li key={lb.targetGroupArn ?? lb.classicName ?? i}>
          {lb.targetGroupName
            ? `Target group ${lb.targetGroupName}`
            : lb.classicName
              ? `Classic LB ${lb.classicName}`
              : ''}
          {lb.containerName && ` → ${lb.containerName}:${lb.containerPort ?? ''}`}
          {lb.loadBalancerName && ` · load balancer ${lb.loadBalancerName}`}
          {lb.dnsName && ' · '}
          {lb.url ? (
            <a className={linkClass} href={lb.url} target="_blank" rel="noreferrer noopener">
              {lb.dnsName}
            </a>
          ) : (
            lb.dnsName && `${lb.dnsName} (no listener)`
          )}
        </li>
      ))}
    </ul>
  );
}

/** The rollout bounds and the circuit breaker, as one line under the deployments. */
export function deploymentSettings(service: Service): string {
  const c = service.deploymentConfiguration;
  const breaker = c?.deploymentCircuitBreaker?.enable
    ? `on${c.deploymentCircuitBreaker.rollback ? ', with rollback' : ', without rollback'}`
    : 'off';
  return `Minimum healthy ${c?.minimumHealthyPercent ?? 100} % · maximum ${c?.maximumPercent ?? 200} % · circuit breaker ${breaker}`;
}

function Placement({ service }: { service: Service }) {
  const strategy = service.placementStrategy ?? [];
  const constraints = service.placementConstraints ?? [];
  return (
    <dl className="grid gap-2 text-sm sm:grid-cols-2">
      <div>
        <dt className="font-medium">Strategy</dt>
        <dd>
          {strategy.length
            ? strategy.map((s) => `${s.type}${s.field ? `(${s.field})` : ''}`).join(', ')
            : 'none'}
        </dd>
      </div>
      <div>
        <dt className="font-medium">Constraints</dt>
        <dd>
          {constraints.length
            ? constraints.map((c) => `${c.type}${c.expression ? `: ${c.expression}` : ''}`).join(', ')
            : 'none'}
        </dd>
      </div>
    </dl>
  );
}

/**
 * True while `active`, and for `ms` after it turns false. The tasks list and the service are read at
 * different moments: when the service reads steady, the last fast read of its tasks may predate the old
 * tasks' stop, and without one more close look the list would show them until the slow poll (6 s).
 */
function useLingering(active: boolean, ms: number): boolean {
  const [wasActive, setWasActive] = useState(active);
  // How many times `active` has ended, and whether the last end is less than `ms` ago.
  const [ends, setEnds] = useState(0);
  const [lingering, setLingering] = useState(false);
  if (wasActive !== active) {
    // Adjusting state to a changed prop while rendering (React's documented pattern).
    setWasActive(active);
    if (!active) {
      setEnds(ends + 1);
      setLingering(true);
    }
  }
  useEffect(() => {
    if (!lingering) return;
    const timer = setTimeout(() => setLingering(false), ms);
    return () => clearTimeout(timer);
  }, [lingering, ends, ms]);
  return active || lingering;
}

/** A service: counts, actions, deployments, events, tasks (given by the app), load balancer, placement. */
export function ServicePage({
  renderTasks,
}: {
  /** The service's tasks; `inTransition` asks for the fast cadence while the service is deploying. */
  renderTasks: (cluster: string, service: string, inTransition: boolean) => ReactNode;
}) {
  const params = useParams();
  const cluster = params['cluster'] ?? '';
  const name = params['service'] ?? '';
  const service = useService(cluster, name);
  const s = service.data;
  const events = useMemo(() => (s ? mergeServiceEvents([s]) : undefined), [s]);
  const watchTasks = useLingering(s ? inTransition(s) : false, 2 * TRANSITION_POLL_MS);
  return (
    <>
      <PageHeader
        eyebrow={<Breadcrumbs trail={clusterTrail(cluster, 'services')} />}
        title={<StatusTitle name={name} status={s?.status} />}
        description={s?.serviceArn}
      />
      <QueryView
        query={service}
        errorTitle={`Could not describe service ${name}`}
        loadingLabel="Loading the service"
      >
        {(s) => (
          <>
            <dl className="mb-6 grid grid-cols-3 gap-3 sm:max-w-xl">
              <Count label="Desired" value={s.desiredCount ?? 0} />
              <Count label="Running" value={s.runningCount ?? 0} />
              <Count label="Pending" value={s.pendingCount ?? 0} />
            </dl>
            <ServiceActions key={`${s.taskDefinition}/${s.desiredCount}`} cluster={cluster} service={s} />
            <StuckHint cluster={cluster} service={s} />
            <Section title="Deployments">
              <ResourceTable
                caption={`Deployments of ${name}`}
                resourceName="deployments"
                columns={deploymentColumns}
                rows={s.deployments}
                rowKey={(d) => d.id ?? ''}
              />
              <p
                className="mt-2 text-sm text-slate-600 dark:text-slate-400"
                data-testid="deployment-settings"
              >
                {deploymentSettings(s)}
              </p>
              <h3 className="mt-4 mb-2 font-semibold">History</h3>
              <DeploymentHistory cluster={cluster} service={name} serviceChanging={watchTasks} />
            </Section>
            <Section title="Tasks">{renderTasks(cluster, name, watchTasks)}</Section>
            <Section title="Events">
              <EventsTimeline
                events={events}
                isLoading={false}
                error={null}
                onRetry={() => void service.refetch()}
              />
            </Section>
            <Suspense fallback={<LoadingBlock label="Loading metrics" />}>
              <ServiceMonitoring cluster={cluster} service={s} />
            </Suspense>
            <Section title="Load balancer">
              <LoadBalancers service={s} />
            </Section>
            <Section title="Placement">
              <Placement service={s} />
            </Section>
            <TagsSection resourceArn={s.serviceArn ?? ''} resourceName={`service ${name}`} />
          </>
        )}
      </QueryView>
    </>
  );
}
