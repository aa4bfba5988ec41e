import { isRouteErrorResponse, useRouteError } from 'react-router';
import { ErrorState } from '../../components/ui/error-state';

/** Shown when a route fails to load (e.g. a chunk after a redeploy) or throws while rendering. */
export function RouteError() {
  const error = useRouteError();
  const shown = isRouteErrorResponse(error) ? new Error(`${error.status} ${error.statusText}`) : error;
  return (
    <main id="main" className="mx-auto max-w-3xl p-6">
      <ErrorState
        title="Something went wrong on this page"
        error={shown}
        onRetry={() => window.location.reload()}
      />
    </main>
  );
}
