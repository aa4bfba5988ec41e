/**
 * Which backend the console server talks to (GET /api/info) and the region every SDK client uses.
 * In AWS mode the region is part of every URL (`?region=eu-west-1`, as in the AWS console), so a
 * deep link opens in its region and Back/Forward cross region switches; the last choice is also kept
 * in sessionStorage for URLs without one. It is a view setting, not a credential.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { queryOptions, useQuery } from '@tanstack/react-query';
/** What GET /api/info answers. */
export interface BackendInfo {
  mode: 'local' | 'aws' | 'endpoint';
  region: string;
  accountId?: string;
  endpoint?: string;
  regions: string[];
  version: string;
  /** Local mode: what runs the tasks, and the Docker Engine's version when one answers. */
  runtime?: { kind: 'simulated' | 'docker'; dockerEngine?: string };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const optional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The document checked by hand, not with a schema library: this runs in the first chunk of every page,
 * and zod there cost ~60 KB of script to parse before any page could start loading.
 */
export function parseBackendInfo(doc: unknown): BackendInfo | undefined {
  if (!isRecord(doc)) return undefined;
  const { mode, region, accountId, endpoint, regions, version, runtime } = doc;
  const runtimeOk = optional(
    runtime,
    (r) =>
      isRecord(r) &&
      (r['kind'] === 'simulated' || r['kind'] === 'docker') &&
      optional(r['dockerEngine'], isString),
  );
  const ok =
    (mode === 'local' || mode === 'aws' || mode === 'endpoint') &&
    isString(region) &&
    region.length > 0 &&
    optional(accountId, isString) &&
    optional(endpoint, isString) &&
    Array.isArray(regions) &&
    regions.every(isString) &&
    isString(version) &&
    runtimeOk;
  if (!ok) return undefined;
  const info: BackendInfo = { mode, region, regions: [...regions], version };
  if (isString(accountId)) info.accountId = accountId;
  if (isString(endpoint)) info.endpoint = endpoint;
  if (isRecord(runtime)) {
    info.runtime = { kind: runtime['kind'] as 'simulated' | 'docker' };
    if (isString(runtime['dockerEngine'])) info.runtime.dockerEngine = runtime['dockerEngine'];
  }
  return info;
}

export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailable';
}

export async function fetchBackendInfo(): Promise<BackendInfo> {
  let response: Response;
  try {
    response = await fetch('/api/info', { headers: { accept: 'application/json' } });
  } catch (e) {
    throw new BackendUnavailableError(`The console server did not answer: ${(e as Error).message}`);
  }
  if (response.status === 401) {
    throw new BackendUnavailableError(
      'This console needs its access token. Open the URL with ?token=... that "ecs-console serve" printed.',
    );
  }
  if (!response.ok) throw new BackendUnavailableError(`GET /api/info answered HTTP ${response.status}.`);
  const info = parseBackendInfo(await response.json());
  if (!info) throw new BackendUnavailableError('GET /api/info answered an unexpected document.');
  return info;
}

export const backendInfoQuery = queryOptions({
  queryKey: ['backend-info'],
  queryFn: fetchBackendInfo,
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
