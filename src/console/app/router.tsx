import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from './layout';
import { dashboardRoutes } from './dashboard-routes';
import { NotFound } from './routes/not-found';
import { RouteError } from './routes/route-error';
import { RouteLoading } from './routes/route-loading';

/** Feature pages load on demand, so the first chunk holds only the shell. */
export const router = createBrowserRouter([
  {
    path: '/',
    element: <AppLayout />,
    errorElement: <RouteError />,
    // Shown while the first route's code loads on a full page load (React Router warns without one).
    HydrateFallback: RouteLoading,
    children: [
      { index: true, element: <Navigate to="/get-started" replace /> },
      { path: 'get-started', element: <Navigate to="/get-started/task-definition" replace /> },
      {
        path: 'get-started/:step',
        lazy: () =>
          import('../features/wizard/components/wizard-page').then((m) => ({ Component: m.WizardPage })),
      },
      {
        path: 'launch',
        lazy: () =>
          import('../features/launch/components/launch-page').then((m) => ({ Component: m.LaunchPage })),
      },
      ...dashboardRoutes,
      { path: '*', element: <NotFound /> },
    ],
  },
]);
