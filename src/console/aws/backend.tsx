/**
 * Which backend the console server talks to (GET /api/info) and the region every SDK client uses.
 * The chosen region lives in sessionStorage: it is a view setting, not a credential.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';

export const backendInfoSchema = z.object({
  mode: z.enum(['local', 'aws', 'endpoint']),
  region: z.string().min(1),
  accountId: z.string().optional(),
  endpoint: z.string().optional(),
  regions: z.array(z.string()),
  version: z.string(),
});

export type BackendInfo = z.infer<typeof backendInfoSchema>;

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
  const parsed = backendInfoSchema.safeParse(await response.json());
  if (!parsed.success) throw new BackendUnavailableError('GET /api/info answered an unexpected document.');
  return parsed.data;
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

/** Provides the region for an already loaded backend: the saved choice when the backend offers it. */
export function RegionProvider({ info, children }: { info: BackendInfo; children: ReactNode }) {
  const [chosen, setChosen] = useState<string | null>(savedRegion);
  const region = info.mode === 'aws' && chosen && info.regions.includes(chosen) ? chosen : info.region;
  const setRegion = useCallback((next: string) => {
    setChosen(next);
    try {
      window.sessionStorage.setItem(REGION_KEY, next);
    } catch {
      // Without storage the choice lasts until reload.
    }
  }, []);
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
