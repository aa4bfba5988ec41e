/**
 * GET /api/info: which backend the console server talks to. No imports: `preload.ts` sends this request
 * as the page starts loading, before the shell's code has arrived (every AWS call waits for the answer).
 */

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

let early: Promise<BackendInfo> | undefined;

/** Sends GET /api/info now; the first `takeEarlyBackendInfo` gets the answer. */
export function startBackendInfo(): void {
  early ??= fetchBackendInfo();
  // Its failure is reported by the query that takes it; never an unhandled rejection here.
  early.catch(() => undefined);
}

/** The request `startBackendInfo` sent, once; later reads (a retry, a refetch) send their own. */
export function takeEarlyBackendInfo(): Promise<BackendInfo> | undefined {
  const taken = early;
  early = undefined;
  return taken;
}
