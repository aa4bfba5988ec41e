/** Test support for the EC2/Auto Scaling/ELB/IAM integration tests: a plane on a free port and SDK settings. */
import { LocalControlPlane, type LocalOptions } from '../index';

export interface TestPlane {
  plane: LocalControlPlane;
  url: string;
  /** Settings for any AWS SDK v3 client pointed at the plane. */
  client: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
}

export async function startTestPlane(options: Partial<LocalOptions> = {}): Promise<TestPlane> {
  const plane = new LocalControlPlane({ statePath: null, instanceBootMs: 20, taskStepMs: 20, ...options });
  const url = await plane.listen(0);
  return {
    plane,
    url,
    client: {
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    },
  };
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 5000,
  stepMs = 20,
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
    if (Date.now() > deadline) throw new Error(`timed out waiting${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
