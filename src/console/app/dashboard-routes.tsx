/**
 * Routes of the dashboards (clusters, services, tasks, instances, task definitions, stacks), each page
 * loaded on demand. The app composes features here: a cluster's tabs come from the services, tasks and
 * instances features, which never import each other.
 */
import { Outlet, type RouteObject } from 'react-router';
import { useLiveness } from '../aws/liveness';
import { LiveBar } from '../components/ui/live-bar';

/** The live bar above every dashboard page; the page is dimmed and marked stale while the backend is gone. */
function DashboardFrame() {
  const live = useLiveness();
  return (
    <>
      <LiveBar />
      <div
        data-stale={!live.reachable || undefined}
        className={live.reachable ? undefined : 'opacity-60 saturate-50'}
      >
        <Outlet />
      </div>
    </>
  );
}

export const dashboardRoutes: RouteObject[] = [
  {
    element: <DashboardFrame />,
    children: [
      {
        path: 'clusters',
        lazy: () =>
          import('../features/clusters/components/clusters-page').then((m) => ({
            Component: m.ClustersPage,
          })),
      },
      {
        path: 'create-cluster',
        lazy: () =>
          import('../features/clusters/components/create-cluster-page').then((m) => ({
            Component: m.CreateClusterPage,
          })),
      },
      {
        path: 'clusters/:cluster/run-task',
        lazy: () =>
          import('../features/tasks/components/run-task-page').then((m) => ({ Component: m.RunTaskPage })),
      },
      {
        path: 'clusters/:cluster',
        lazy: async () => {
          const [
            { ClusterPage },
            { ClusterServices },
            { ClusterEvents },
            { useServices },
            { ClusterTasks },
            { ClusterInstances },
          ] = await Promise.all([
            import('../features/clusters/components/cluster-page'),
            import('../features/services/components/cluster-services'),
            import('../features/services/components/cluster-events'),
            import('../aws/queries/services'),
            import('../features/tasks/components/cluster-tasks'),
            import('../features/instances/components/instances-table'),
          ]);
          // The tasks tab filters by service: its names come from the services feature (same cached query).
          function TasksTab({ cluster }: { cluster: string }) {
            const services = useServices(cluster);
            return (
              <ClusterTasks cluster={cluster} serviceNames={services.data?.map((s) => s.serviceName ?? '')} />
            );
          }
          const tabs = {
            services: (cluster: string) => <ClusterServices cluster={cluster} />,
            tasks: (cluster: string) => <TasksTab cluster={cluster} />,
            instances: (cluster: string) => <ClusterInstances cluster={cluster} />,
            events: (cluster: string) => <ClusterEvents cluster={cluster} />,
          };
          return { Component: () => <ClusterPage tabs={tabs} /> };
        },
      },
      {
        path: 'clusters/:cluster/services/:service',
        lazy: async () => {
          const [{ ServicePage }, { ClusterTasks }] = await Promise.all([
            import('../features/services/components/service-page'),
            import('../features/tasks/components/cluster-tasks'),
          ]);
          const renderTasks = (cluster: string, service: string, inTransition: boolean) => (
            <ClusterTasks cluster={cluster} service={service} pollFast={inTransition} />
          );
          return { Component: () => <ServicePage renderTasks={renderTasks} /> };
        },
      },
      {
        path: 'clusters/:cluster/create-service',
        lazy: () =>
          import('../features/services/components/service-form-page').then((m) => ({
            Component: m.CreateServicePage,
          })),
      },
      {
        path: 'clusters/:cluster/services/:service/update',
        lazy: () =>
          import('../features/services/components/service-form-page').then((m) => ({
            Component: m.UpdateServicePage,
          })),
      },
      {
        path: 'clusters/:cluster/tasks/:task',
        lazy: () => import('../features/tasks/components/task-page').then((m) => ({ Component: m.TaskPage })),
      },
      {
        path: 'create-task-definition',
        lazy: () =>
          import('../features/task-definitions/components/task-definition-form-page').then((m) => ({
            Component: m.TaskDefinitionFormPage,
          })),
      },
      {
        path: 'task-definitions',
        lazy: () =>
          import('../features/task-definitions/components/families-page').then((m) => ({
            Component: m.FamiliesPage,
          })),
      },
      {
        path: 'task-definitions/:family',
        lazy: () =>
          import('../features/task-definitions/components/family-page').then((m) => ({
            Component: m.FamilyPage,
          })),
      },
      {
        path: 'task-definitions/:family/:revision',
        lazy: () =>
          import('../features/task-definitions/components/revision-page').then((m) => ({
            Component: m.RevisionPage,
          })),
      },
      {
        path: 'account-settings',
        lazy: () =>
          import('../features/account/components/account-settings-page').then((m) => ({
            Component: m.AccountSettingsPage,
          })),
      },
      {
        path: 'stacks',
        lazy: () =>
          import('../features/stacks/components/stacks-page').then((m) => ({ Component: m.StacksPage })),
      },
      {
        path: 'stacks/:stack',
        lazy: () =>
          import('../features/stacks/components/stack-page').then((m) => ({ Component: m.StackPage })),
      },
    ],
  },
];
