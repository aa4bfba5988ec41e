/**
 * Every page's path and the code it loads, each loaded once. The router takes its lazy routes from
 * here, and `preload.ts` (a second entry script of a few hundred bytes, run as soon as it arrives) starts
 * loading the page the URL names while the shell's first chunk still downloads and compiles: before,
 * the page's code was asked for only once that chunk had run (about 0.7 s of a first load on a loaded
 * machine), then came in a waterfall of small chunks.
 *
 * This module imports nothing at load time but page code on demand, so the preload entry stays small.
 */

/** A promise made on first call and kept: the preload and the router share one load. */
function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  // A failed load (the server restarted mid-load) is tried again on the next navigation.
  return () =>
    (loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    }));
}

export interface Page<T> {
  /** The route's path under `/`, in React Router's syntax (`:param` segments only). */
  path: string;
  load: () => Promise<T>;
}

const page = <T>(path: string, load: () => Promise<T>): Page<T> => ({ path, load: loadOnce(load) });

export const pages = {
  wizard: page('get-started/:step', () => import('../features/wizard/components/wizard-page')),
  launch: page('launch', () => import('../features/launch/components/launch-page')),
  clusters: page('clusters', () => import('../features/clusters/components/clusters-page')),
  createCluster: page('create-cluster', () => import('../features/clusters/components/create-cluster-page')),
  runTask: page('clusters/:cluster/run-task', () => import('../features/tasks/components/run-task-page')),
  cluster: page('clusters/:cluster', () =>
    Promise.all([
      import('../features/clusters/components/cluster-page'),
      import('../features/services/components/cluster-services'),
      import('../features/services/components/cluster-events'),
      import('../aws/queries/services'),
      import('../features/tasks/components/cluster-tasks'),
      import('../features/instances/components/instances-table'),
    ]),
  ),
  service: page('clusters/:cluster/services/:service', () =>
    Promise.all([
      import('../features/services/components/service-page'),
      import('../features/tasks/components/cluster-tasks'),
    ]),
  ),
  createService: page(
    'clusters/:cluster/create-service',
    () => import('../features/services/components/service-form-page'),
  ),
  updateService: page(
    'clusters/:cluster/services/:service/update',
    () => import('../features/services/components/service-form-page'),
  ),
  task: page('clusters/:cluster/tasks/:task', () => import('../features/tasks/components/task-page')),
  createTaskDefinition: page(
    'create-task-definition',
    () => import('../features/task-definitions/components/task-definition-form-page'),
  ),
  families: page('task-definitions', () => import('../features/task-definitions/components/families-page')),
  family: page(
    'task-definitions/:family',
    () => import('../features/task-definitions/components/family-page'),
  ),
  revision: page(
    'task-definitions/:family/:revision',
    () => import('../features/task-definitions/components/revision-page'),
  ),
  accountSettings: page(
    'account-settings',
    () => import('../features/account/components/account-settings-page'),
  ),
  stacks: page('stacks', () => import('../features/stacks/components/stacks-page')),
  stack: page('stacks/:stack', () => import('../features/stacks/components/stack-page')),
};

/**
 * The page a URL path opens, as React Router would match it: segments compared case-insensitively, a
 * `:param` takes one non-empty segment, a trailing slash is ignored; where two match, the one with more
 * fixed segments wins. No regular expression: the path is the user's.
 */
export function pageFor(pathname: string): Page<unknown> | undefined {
  const segments = pathname.split('/').filter((s) => s !== '');
  let best: Page<unknown> | undefined;
  let bestFixed = -1;
  for (const candidate of Object.values(pages) as Page<unknown>[]) {
    const parts = candidate.path.split('/');
    if (parts.length !== segments.length) continue;
    let fixed = 0;
    const matches = parts.every((part, i) => {
      if (part.startsWith(':')) return true;
      fixed++;
      return part.toLowerCase() === segments[i]?.toLowerCase();
    });
    if (matches && fixed > bestFixed) [best, bestFixed] = [candidate, fixed];
  }
  return best;
}
