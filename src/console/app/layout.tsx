import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate, useNavigation } from 'react-router';
import { RegionProvider, useBackendInfo } from '../aws/backend';
import { Dialog } from '../components/ui/dialog';
import { ErrorState } from '../components/ui/error-state';
import { Notices } from '../components/ui/notices';
import { LoadingBlock } from '../components/ui/skeleton';
import { cn } from '../lib/cn';
import { useTheme } from '../lib/use-theme';
import { BackendBadge } from './backend-badge';
import { shortcuts } from './shortcuts';
import { ThrottleNotice } from './throttle-notice';
import { useShortcuts } from './use-shortcuts';

const nav = [
  { to: '/get-started', label: 'Get started' },
  { to: '/clusters', label: 'Clusters' },
  { to: '/task-definitions', label: 'Task definitions' },
  { to: '/stacks', label: 'Stacks' },
  { to: '/account-settings', label: 'Account settings' },
];

const headerButton =
  'inline-flex items-center gap-1.5 rounded-md px-2.5 py-1 text-sm text-slate-200 hover:bg-slate-800 hover:text-white';

const themeLabels = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' } as const;

/** The shell: skip link, navigation, backend badge, theme, shortcuts; pages render in <main>. */
export function AppLayout() {
  const info = useBackendInfo();
  const navigate = useNavigate();
  const location = useLocation();
  const navigation = useNavigation();
  const { pref, cycle } = useTheme();
  const [helpOpen, setHelpOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const firstPath = useRef(location.pathname);

  useShortcuts((s) => {
    if ('to' in s.action) void navigate(s.action.to);
    else if (s.action.run === 'help') setHelpOpen(true);
    else cycle();
  });

  // After a client-side navigation, move focus to the new page so screen readers announce it (a link to
  // a #fragment is left to the page, which focuses that element).
  useEffect(() => {
    if (location.pathname === firstPath.current) return;
    firstPath.current = location.pathname;
    if (!location.hash) mainRef.current?.focus({ preventScroll: false });
  }, [location.pathname, location.hash]);

  const body = info.isPending ? (
    <LoadingBlock label="Connecting to the console server" lines={4} />
  ) : info.isError ? (
    <ErrorState
      title="Could not reach the console server"
      error={info.error}
      onRetry={() => void info.refetch()}
    />
  ) : (
    <Outlet />
  );

  const shell = (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only rounded-md bg-orange-700 px-3 py-2 text-white focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      {navigation.state === 'loading' && (
        <div
          role="progressbar"
          aria-label="Loading the page"
          className="fixed inset-x-0 top-0 z-40 h-0.5 overflow-hidden"
        >
          <div className="h-full w-1/3 animate-pulse bg-orange-500" />
        </div>
      )}
      <header className="bg-slate-900 text-slate-100 dark:border-b dark:border-slate-800">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-2.5">
          <NavLink to="/" className="flex items-center gap-2 font-semibold tracking-tight">
            <img src="/favicon.svg" alt="" className="size-6" />
            ECS Console
          </NavLink>
          <nav aria-label="Main" className="flex-1">
            <ul className="flex flex-wrap gap-1">
              {nav.map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    className={({ isActive }) =>
                      cn(
                        'block rounded-md px-3 py-1.5 text-sm',
                        isActive
                          ? 'bg-slate-700 font-medium text-white'
                          : 'text-slate-300 hover:bg-slate-800 hover:text-white',
                      )
                    }
                  >
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="flex items-center gap-2">
            {info.data && <BackendBadge info={info.data} />}
            <button
              type="button"
              className={headerButton}
              onClick={cycle}
              aria-label={`${themeLabels[pref]}. Switch theme`}
            >
              <span aria-hidden="true">{pref === 'dark' ? '☾' : pref === 'light' ? '☀' : '◐'}</span>
              <span className="hidden sm:inline">{themeLabels[pref]}</span>
            </button>
            <button
              type="button"
              className={headerButton}
              onClick={() => setHelpOpen(true)}
              aria-label="Keyboard shortcuts"
            >
              ?
            </button>
          </div>
        </div>
      </header>
      <main
        id="main"
        ref={mainRef}
        tabIndex={-1}
        className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 focus:outline-none"
      >
        {body}
      </main>
      <ThrottleNotice />
      <Notices />
      <Dialog open={helpOpen} onClose={() => setHelpOpen(false)} title="Keyboard shortcuts">
        <table className="w-full text-sm">
          <caption className="sr-only">Keyboard shortcuts</caption>
          <thead>
            <tr className="text-left text-slate-600 dark:text-slate-400">
              <th scope="col" className="pb-2 font-medium">
                Keys
              </th>
              <th scope="col" className="pb-2 font-medium">
                Action
              </th>
            </tr>
          </thead>
          <tbody>
            {shortcuts.map((s) => (
              <tr key={s.keys.join(' ')}>
                <td className="py-1 pr-4">
                  {s.keys.map((k, i) => (
                    <span key={i}>
                      {i > 0 && <span className="px-1 text-slate-500"> then </span>}
                      <kbd className="rounded border border-slate-300 bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:border-slate-600 dark:bg-slate-800">
                        {k}
                      </kbd>
                    </span>
                  ))}
                </td>
                <td className="py-1">{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="mt-3 text-xs text-slate-600 dark:text-slate-400">
          Tab moves between controls; Enter activates. Shortcuts are off while you type in a field.
        </p>
      </Dialog>
    </div>
  );

  return info.data ? <RegionProvider info={info.data}>{shell}</RegionProvider> : shell;
}
