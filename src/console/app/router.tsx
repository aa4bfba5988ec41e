import { createBrowserRouter, Navigate } from 'react-router';
import { AppLayout } from './layout';
import { dashboardRoutes } from './dashboard-routes';
import { pages } from './pages';
import { NotFound } from './routes/not-found';
import { RouteError } from './routes/route-error';
import { RouteLoading } from './routes/route-loading';

/** Feature pages load on demand (`pages.ts`), so the first chunk holds only the shell. */
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
        path: pages.wizard.path,
        lazy: () => pages.wizard.load().then((m) => ({ Component: m.WizardPage })),
      },
      {
        path: pages.launch.path,
        lazy: () => pages.launch.load().then((m) => ({ Component: m.LaunchPage })),
      },
      ...dashboardRoutes,
      { path: '*', element: <NotFound /> },
    ],
  },
]);
