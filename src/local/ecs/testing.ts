/** Test fixtures for the ECS provider: a control plane on a loopback port and an SDK client for it. */
import {
  CreateClusterCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  type ContainerDefinition,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { afterEach, expect } from 'vitest';
import { ManualClock } from '../common/clock';
import { LocalControlPlane, type LocalOptions } from '../index';
import { ecsCollections } from './model';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const arnPrefix = `arn:aws:ecs:${REGION}:${ACCOUNT}`;

export interface TestPlane {
  plane: LocalControlPlane;
  url: string;
  ecs: ECSClient;
  stop(): Promise<void>;
}

/** A plane in memory with 20 ms task steps, unless `options` say otherwise (a clock, another step). */
export async function startTestPlane(options: Partial<LocalOptions> = {}): Promise<TestPlane> {
  const plane = new LocalControlPlane({ statePath: null, taskStepMs: 20, ...options });
  const url = await plane.listen(0);
  const ecs = new ECSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
  return {
    plane,
    url,
    ecs,
    async stop() {
      ecs.destroy();
      await plane.stop();
    },
  };
}

/**
 * A plane on a manual clock with lifecycle steps of `stepMs`, cluster `q` and one instance (4 vCPU,
 * 4 GiB) in it: for tests that take a task through its steps one at a time. `settle(ms)` moves the
 * clock and waits until every loop is idle.
 */
export async function startSteppedPlane(stepMs: number) {
  const clock = new ManualClock({ start: 1_700_000_000_000 });
  const { plane, ecs, stop } = await startTestPlane({ taskStepMs: stepMs, resyncMs: 60_000, clock });
  const col = ecsCollections(plane.deps.db);
  const settle = async (ms: number) => {
    clock.advance(ms);
    await plane.idle();
  };
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: 'q' }));
    await registerInstance(ecs, 'q', { memory: 4096, cpu: 4096 });
  } catch (err) {
    await stop();
    throw err;
  }
  return { clock, plane, ecs, col, settle, stop };
}

/**
 * For a test file whose tests each start their own stepped plane (`startSteppedPlane`): gives the
 * function that starts one, and stops every plane started after each test.
 */
export function steppedPlanes(stepMs: number): () => ReturnType<typeof startSteppedPlane> {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });
  return async () => {
    const t = await startSteppedPlane(stepMs);
    stops.push(t.stop);
    return t;
  };
}

/** The wizard's sample task definition (console-sample-app-static). */
export function sampleTaskDefinition(
  family = 'console-sample-app-static',
): RegisterTaskDefinitionCommandInput {
  return {
    family,
    containerDefinitions: [
      {
        name: 'simple-app',
        image: 'httpd:2.4',
        memory: 300,
        cpu: 10,
        essential: true,
        portMappings: [{ hostPort: 80, containerPort: 80, protocol: 'tcp' }],
      },
    ],
  };
}

/** A task definition with a dynamic host port (any number of copies per instance). */
export function dynamicTaskDefinition(family: string, memory = 64): RegisterTaskDefinitionCommandInput {
  return {
    family,
    containerDefinitions: [
      {
        name: 'app',
        image: 'nginx:latest',
        memory,
        cpu: 16,
        portMappings: [{ containerPort: 80, hostPort: 0 }],
      },
    ],
  };
}

/** Awaits a rejected SDK call and checks its AWS error code, HTTP status 400 and (optionally) message. */
export async function expectAwsError(
  call: Promise<unknown>,
  code: string,
  message?: string | RegExp,
): Promise<void> {
  let caught: unknown;
  try {
    await call;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeDefined();
  const err = caught as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
  expect(err.name).toBe(code);
  expect(err.$metadata?.httpStatusCode).toBe(400);
  if (typeof message === 'string') expect(err.message).toContain(message);
  else if (message) expect(err.message).toMatch(message);
}

/** Polls `check` until it returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** RegisterContainerInstance in `cluster` (with an identity document when `instanceId` is given). */
export async function registerInstance(
  ecs: ECSClient,
  cluster: string,
  opts: { memory?: number; cpu?: number; instanceId?: string } = {},
) {
  const out = await ecs.send(
    new RegisterContainerInstanceCommand({
      cluster,
      ...(opts.instanceId
        ? {
            instanceIdentityDocument: JSON.stringify({
              instanceId: opts.instanceId,
              region: REGION,
              instanceType: 't2.micro',
              privateIp: '127.0.0.1',
              availabilityZone: 'us-east-1b',
            }),
          }
        : {}),
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: opts.cpu ?? 1024 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: opts.memory ?? 993 },
      ],
    }),
  );
  return out.containerInstance!;
}

/** A container definition (nginx, 128 MiB) with `overrides`. */
export const container = (overrides: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name: 'web',
  image: 'nginx:1.25',
  memory: 128,
  ...overrides,
});

/** One ECS awsJson call over HTTP with `fetch`, not read by an SDK: the status and the body as text. */
export async function rawEcsCall(
  url: string,
  action: string,
  input: unknown,
): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerServiceV20141113.${action}`,
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(input),
  });
  return { status: res.status, text: await res.text() };
}
