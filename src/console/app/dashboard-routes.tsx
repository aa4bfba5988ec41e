/**
 * Routes of the dashboards (clusters, services, tasks, instances, task definitions, stacks), each page
 * loaded on demand (paths and code from `pages.ts`). The app composes features here: a cluster's tabs come from the services, tasks and
 * instances features, which never import each other.
 */
import { Outlet, type RouteObject } from 'react-router';
import { useLiveness } from '../aws/liveness';
import { LiveBar } from '../components/ui/live-bar';
import { pages } from './pages';

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
        path: pages.clusters.path,
        lazy: () => pages.clusters.load().then((m) => ({ Component: m.ClustersPage })),
      },
      {
        path: pages.createCluster.path,
        lazy: () => pages.createCluster.load().then((m) => ({ Component: m.CreateClusterPage })),
      },
      {
        path: pages.runTask.path,
        lazy: () => pages.runTask.load().then((m) => ({ Component: m.RunTaskPage })),
      },
      {
        path: pages.cluster.path,
        lazy: async () => {
          const [
            { ClusterPage },
            { ClusterServices },
            { ClusterEvents },
            { useServiceNames },
            { ClusterTasks },
            { ClusterInstances },
          ] = await pages.cluster.load();
          // The tasks tab filters by service: the names only (ListServices), not every service described.
          function TasksTab({ cluster }: { cluster: string }) {
            const names = useServiceNames(cluster);
            return <ClusterTasks cluster={cluster} serviceNames={names.data} />;
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
        path: pages.service.path,
        lazy: async () => {
          const [{ ServicePage }, { ClusterTasks }] = await pages.service.load();
          const renderTasks = (cluster: string, service: string, inTransition: boolean) => (
            <ClusterTasks cluster={cluster} service={service} pollFast={inTransition} />
          );
          return { Component: () => <ServicePage renderTasks={renderTasks} /> };
        },
      },
      {
        path: pages.createService.path,
        lazy: () => pages.createService.load().then((m) => ({ Component: m.CreateServicePage })),
      },
      {
        path: pages.updateService.path,
        lazy: () => pages.updateService.load().then((m) => ({ Component: m.UpdateServicePage })),
      },
      {
        path: pages.task.path,
        lazy: () => pages.task.load().then((m) => ({ Component: m.TaskPage })),
      },
      {
        path: pages.createTaskDefinition.path,
        lazy: () => pages.createTaskDefinition.load().then((m) => ({ Component: m.TaskDefinitionFormPage })),
      },
      {
        path: pages.families.path,
        lazy: () => pages.families.load().then((m) => ({ Component: m.FamiliesPage })),
      },
      {
        path: pages.family.path,
        lazy: () => pages.family.load().then((m) => ({ Component: m.FamilyPage })),
      },
      {
        path: pages.revision.path,
        lazy: () => pages.revision.load().then((m) => ({ Component: m.RevisionPage })),
      },
      {
        path: pages.accountSettings.path,
        lazy: () => pages.accountSettings.load().then((m) => ({ Component: m.AccountSettingsPage })),
      },
      {
        path: pages.stacks.path,
        lazy: () => pages.stacks.load().then((m) => ({ Component: m.StacksPage })),
      },
      {
        path: pages.stack.path,
        lazy: () => pages.stack.load().then((m) => ({ Component: m.StackPage })),
      },
    ],
  },
];
