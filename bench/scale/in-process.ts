/**
 * The in-process benches' control plane (micro.ts, place-micro.ts): a plane with its state in
 * memory, and `call`, which sends an ECS action through the endpoint's dispatch (input checks and
 * JSON output included, no HTTP) and gives back the parsed answer, throwing on an error.
 */
import { LocalControlPlane } from '../../src/local/index';

export async function inProcessPlane(taskStepMs: number, statePath: string | null = null) {
  const plane = new LocalControlPlane({ statePath, taskStepMs });
  await plane.start();
  const headers = (action: string) => ({
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `AmazonEC2ContainerServiceV20141113.${action}`,
    authorization:
      'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0',
  });
  const call = async <T>(action: string, input: unknown): Promise<T> => {
    const r = await plane.endpoint.dispatch('POST', '/', headers(action), Buffer.from(JSON.stringify(input)));
    if (r.status !== 200) throw new Error(`${action}: ${r.body}`);
    return JSON.parse(r.body.toString()) as T;
  };
  return { plane, call };
}

type Call = Awaited<ReturnType<typeof inProcessPlane>>['call'];

/**
 * The in-process micros' cluster `m`: task definition `m` (one container, 10 CPU units, 32 MiB) and
 * `instances` container instances of 2,048 CPU units and 8 GiB registered through the API; gives
 * their ARNs.
 */
export async function microCluster(call: Call, instances: number): Promise<string[]> {
  await call('CreateCluster', { clusterName: 'm' });
  await call('RegisterTaskDefinition', {
    family: 'm',
    containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32 }],
  });
  return registerMicroInstances(call, 'm', instances);
}

/** Registers `instances` container instances of 2,048 CPU units and 8 GiB in `cluster`; gives their ARNs. */
export async function registerMicroInstances(
  call: Call,
  cluster: string,
  instances: number,
): Promise<string[]> {
  const arns: string[] = [];
  for (let i = 0; i < instances; i++) {
    const out = await call<{ containerInstance: { containerInstanceArn: string } }>(
      'RegisterContainerInstance',
      {
        cluster,
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
        ],
      },
    );
    arns.push(out.containerInstance.containerInstanceArn);
  }
  return arns;
}

/**
 * RunTask of task definition `m` on cluster `m` (`microCluster`), ten at a time, `tasks` in all;
 * gives the tasks' ARNs. `after` runs after each call with its time in ms (a latency to record, a
 * pause to let the agent run).
 */
export async function runMicroTasks(
  call: Call,
  tasks: number,
  after?: (ms: number) => unknown,
): Promise<string[]> {
  const arns: string[] = [];
  for (let i = 0; i < tasks / 10; i++) {
    const start = performance.now();
    const out = await call<{ tasks: { taskArn: string }[] }>('RunTask', {
      cluster: 'm',
      taskDefinition: 'm',
      count: 10,
    });
    for (const t of out.tasks) arns.push(t.taskArn);
    await after?.(performance.now() - start);
  }
  return arns;
}
