import { LoadingBlock } from '../../components/ui/skeleton';

/** The page while its route's code loads on a full page load. */
export function RouteLoading() {
  return (
    <main className="mx-auto max-w-7xl p-6">
      <LoadingBlock label="Loading the console" lines={4} />
    </main>
  );
}
