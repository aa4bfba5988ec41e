/**
 * In-process control planes for tests: a LocalControlPlane on a loopback port, the settings an AWS
 * SDK v3 client needs to reach it, polling, and reading an SDK error.
 */
import { LocalControlPlane, type LocalOptions } from '../local/index';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Settings for any AWS SDK v3 client: the plane's URL, us-east-1, dummy credentials, one attempt. */
export interface ClientSettings {
  endpoint: string;
  region: string;
  credentials: typeof TEST_CREDENTIALS;
  maxAttempts: number;
}

export interface TestPlane {
  plane: LocalControlPlane;
  url: string;
  client: ClientSettings;
}

/** A plane without a state file, with short task steps and instance boots unless `options` say otherwise. */
export async function startTestPlane(options: Partial<LocalOptions> = {}): Promise<TestPlane> {
  const plane = new LocalControlPlane({ statePath: null, instanceBootMs: 20, taskStepMs: 20, ...options });
  const url = await plane.listen(0);
  return { plane, url, client: clientSettings(url) };
}

export function clientSettings(url: string): ClientSettings {
  // One attempt: the SDK would otherwise retry throttling codes (LimitExceeded) with backoff.
  return { endpoint: url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes (`what` names it in the error). */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 5000,
  stepMs = 20,
  what?: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting${what ? ` for ${what}` : ''}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** The name, HTTP status and message of the SDK error `p` rejects with; throws if it resolves. */
export async function errorOf(
  p: Promise<unknown>,
): Promise<{ name: string; status?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
  }
  throw new Error('expected an error');
}
