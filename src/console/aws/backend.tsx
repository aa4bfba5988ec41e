/**
 * Which backend the console server talks to (GET /api/info) and the region every SDK client uses.
 * In AWS mode the region is part of every URL (`?region=eu-west-1`, as in the AWS console), so a
 * deep link opens in its region and Back/Forward cross region switches; the last choice is also kept
 * in sessionStorage for URLs without one. It is a view setting, not a credential.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { fetchBackendInfo, takeEarlyBackendInfo, type BackendInfo } from './backend-info';
export {
  BackendUnavailableError,
  fetchBackendInfo,
  parseBackendInfo,
  type BackendInfo,
} from './backend-info';

export const backendInfoQuery = queryOptions({
  queryKey: ['backend-info'],
  // The first read takes the request `preload.ts` sent as the page started loading.
  queryFn: () => takeEarlyBackendInfo() ?? fetchBackendInfo(),
  staleTime: Infinity,
});

export function useBackendInfo() {
  return useQuery(backendInfoQuery);
}

const REGION_KEY = 'ecs-console.region';

interface RegionContextValue {
  region: string;
  setRegion: (region: string) => void;
}

const RegionContext = createContext<RegionContextValue | null>(null);

function savedRegion(): string | null {
  try {
    return window.sessionStorage.getItem(REGION_KEY);
  } catch {
    return null;
  }
}

/** The region a URL asks for, when the backend offers region choice and knows that region. */
export function regionOf(info: BackendInfo, search: string, stored: string | null): string {
  if (info.mode !== 'aws') return info.region;
  const asked = new URLSearchParams(search).get('region');
  for (const r of [asked, stored]) if (r && info.regions.includes(r)) return r;
  return info.region;
}

/** `search` with `region` set (other parameters, e.g. filters and tabs, kept). */
export function withRegion(search: string, region: string): string {
  const params = new URLSearchParams(search);
  params.set('region', region);
  return `?${params.toString()}`;
}

/**
 * Where a region switch leads: a resource page (/clusters/NAME/...) names something of the old
 * region, so the switch goes to its section's list; lists and the wizard stay where they are.
 */
export function pathAfterRegionSwitch(pathname: string): string {
  const [section, ...rest] = pathname.split('/').filter(Boolean);
  return section && rest.length > 0 && section !== 'get-started' ? `/${section}` : pathname;
}

/** Provides the region for an already loaded backend: the URL's, else the tab's last choice, else the server's. */
export function RegionProvider({ info, children }: { info: BackendInfo; children: ReactNode }) {
  const location = useLocation();
  const navigate = useNavigate();
  const region = regionOf(info, location.search, savedRegion());
  const perUrl = info.mode === 'aws';
  const urlRegion = new URLSearchParams(location.search).get('region');

  // Every AWS-mode URL names its region, links that drop it included.
  useEffect(() => {
    if (perUrl && urlRegion !== region) {
      void navigate(
        { pathname: location.pathname, search: withRegion(location.search, region), hash: location.hash },
        { replace: true, state: location.state as unknown },
      );
    }
  }, [perUrl, urlRegion, region, location, navigate]);

  useEffect(() => {
    if (!perUrl) return;
    try {
      window.sessionStorage.setItem(REGION_KEY, region);
    } catch {
      // Without storage the URL still carries the region.
    }
  }, [perUrl, region]);

  const setRegion = useCallback(
    (next: string) => {
      if (!perUrl || next === region) return;
      const pathname = pathAfterRegionSwitch(location.pathname);
      const search = pathname === location.pathname ? location.search : '';
      void navigate({ pathname, search: withRegion(search, next) });
    },
    [perUrl, region, location.pathname, location.search, navigate],
  );
  const value = useMemo(() => ({ region, setRegion }), [region, setRegion]);
  return <RegionContext value={value}>{children}</RegionContext>;
}

export function useRegion(): RegionContextValue {
  const value = useContext(RegionContext);
  if (!value) throw new Error('useRegion outside RegionProvider');
  return value;
}

/** Query keys for AWS reads: region first, so switching region never shows another region's data. */
export function awsQueryKey(region: string, service: string, operation: string, input?: unknown) {
  return input === undefined
    ? ['aws', region, service, operation]
    : ['aws', region, service, operation, input];
}
