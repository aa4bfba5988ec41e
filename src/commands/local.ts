/** `ecs-console local`: the embedded control plane alone, on its own port. */
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  convergeSeedInstances,
  EngineUnreachableError,
  isLoopback,
  LocalControlPlane,
  tokenRefusal,
} from '../local/index';

export const defaultStatePath = (): string =>
  process.env.ECS_CONSOLE_STATE ?? join(homedir(), '.ecs-console', 'state.sqlite');

const help = `usage: ecs-console local [options]

  --port N             port to listen on (default 4566; 0 picks a free one)
  --host ADDR          address to bind (default 127.0.0.1; anything else needs --token)
  --token T            access token (or env ECS_CONSOLE_TOKEN), at least 16 characters: every
                       request must carry it as its access key id (AWS_ACCESS_KEY_ID=T)
  --state FILE         SQLite state file (default ~/.ecs-console/state.sqlite)
  --ephemeral          keep state in memory only
  --region R           default region when a request names none (default us-east-1)
  --account-id ID      account id in ARNs (default 000000000000)
  --instances N        keep exactly N simulated container instances (launched or terminated at start)...
  --cluster NAME       ...in this cluster (created if needed; default "default")
  --instance-type T    instance type for --instances (default t2.micro)
  --task-step-ms MS    delay between task lifecycle steps (default 200)
  --instance-boot-ms MS  delay for an EC2 instance to boot (default 300)
  --metrics-interval-ms MS  how often metrics are published and alarms count periods (default
                       60000, as AWS; 1000-60000: shorter for tests and demos, docs/local-runtime.md)
  --stopped-task-retention-ms MS  how long STOPPED tasks stay listed before they are deleted
                       (default 3600000: an hour, as ECS)
  --runtime R          what runs the tasks: simulated (default) or docker (real containers
                       on the Docker Engine at DOCKER_HOST or /var/run/docker.sock)
  --fargate-spot-interrupt-after-ms MS
                       interrupt every FARGATE_SPOT task MS after it started (stop code
                       SpotInterruption), as AWS reclaims Spot capacity (default: never)
  --allow-reset        enable POST /_ecs-console/reset (wipes all state; for test suites)`;

export async function localCommand(argv: string[]): Promise<number | void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4566' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      state: { type: 'string' },
      ephemeral: { type: 'boolean', default: false },
      region: { type: 'string', default: 'us-east-1' },
      'account-id': { type: 'string', default: '000000000000' },
      instances: { type: 'string' },
      cluster: { type: 'string', default: 'default' },
      'instance-type': { type: 'string', default: 't2.micro' },
      'task-step-ms': { type: 'string' },
      'instance-boot-ms': { type: 'string' },
      'metrics-interval-ms': { type: 'string' },
      'stopped-task-retention-ms': { type: 'string' },
      'fargate-spot-interrupt-after-ms': { type: 'string' },
      runtime: { type: 'string', default: 'simulated' },
      'allow-reset': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0-65535, got ${values.port}`);
  if (!/^\d{12}$/.test(values['account-id'])) throw new Error('--account-id must be 12 digits');
  const token = values.token ?? process.env.ECS_CONSOLE_TOKEN;
  if (!isLoopback(values.host) && token === undefined) {
    console.error(
      `ecs-console local: refusing to bind ${values.host} without --token: anyone who can reach that ` +
        `address could drive the control plane and the containers it runs. Add --token <secret> (or env ` +
        `ECS_CONSOLE_TOKEN; clients then use it as AWS_ACCESS_KEY_ID), or bind 127.0.0.1.`,
    );
    return 2;
  }
  const tokenProblem = token === undefined ? null : tokenRefusal(token);
  if (tokenProblem) {
    console.error(`ecs-console local: ${tokenProblem}`);
    return 2;
  }
  const runtime = runtimeKind(values.runtime);
  const statePath = values.ephemeral ? null : (values.state ?? defaultStatePath());
  const plane = new LocalControlPlane({
    runtime,
    statePath,
    defaultRegion: values.region,
    accountId: values['account-id'],
    allowReset: values['allow-reset'],
    token,
    taskStepMs: millis(values['task-step-ms'], '--task-step-ms'),
    instanceBootMs: millis(values['instance-boot-ms'], '--instance-boot-ms'),
    metricsIntervalMs: metricsInterval(values['metrics-interval-ms']),
    stoppedTaskRetentionMs: millis(
      values['stopped-task-retention-ms'],
      '--stopped-task-retention-ms',
      7 * 24 * 3_600_000,
    ),
    fargateSpotInterruptAfterMs: millis(
      values['fargate-spot-interrupt-after-ms'],
      '--fargate-spot-interrupt-after-ms',
    ),
    log: (message, detail) => console.error(`[local] ${message}`, detail ? JSON.stringify(detail) : ''),
  });
  let url: string;
  try {
    url = await plane.listen(port, values.host);
  } catch (err) {
    if (err instanceof EngineUnreachableError) {
      console.error(`ecs-console local: ${dockerUnavailable(err)}`);
      await plane.stop();
      return 1;
    }
    throw err;
  }
  if (values.instances) {
    const count = Number(values.instances);
    if (!Number.isInteger(count) || count < 0 || count > 1000) throw new Error('--instances must be 0-1000');
    await convergeSeedInstances(plane.deps.services, {
      cluster: values.cluster,
      instanceType: values['instance-type'],
      count,
    });
  }
  console.log(`ecs-console local control plane listening on ${url}`);
  console.log(`state: ${statePath ?? 'in memory (--ephemeral)'}`);
  console.log(`runtime: ${runtime === 'docker' ? 'docker (real containers)' : 'simulated'}`);
  console.log(
    `try: aws --endpoint-url ${url} ecs list-clusters  ` +
      (token ? '(with AWS_ACCESS_KEY_ID=<your token>)' : '(any credentials, e.g. AWS_ACCESS_KEY_ID=test)'),
  );
  const shutdown = async () => {
    await plane.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await new Promise(() => {});
}

/** --runtime: simulated or docker. */
export function runtimeKind(value: string | undefined): 'simulated' | 'docker' {
  if (value === undefined || value === 'simulated' || value === 'docker') return value ?? 'simulated';
  throw new Error(`--runtime must be simulated or docker, got ${value}`);
}

/** What to say when --runtime docker finds no engine. */
export function dockerUnavailable(err: Error): string {
  return (
    `--runtime docker: ${err.message}. Start the Docker Engine (or point DOCKER_HOST at one), ` +
    'or run the simulated runtime (--runtime simulated, the default).'
  );
}

/** --metrics-interval-ms: whole milliseconds from 1000 to 60000. */
export function metricsInterval(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1000 || n > 60_000)
    throw new Error(`--metrics-interval-ms must be 1000-60000 ms, got ${value}`);
  return n;
}

function millis(value: string | undefined, flag: string, max = 600_000): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${flag} must be 0-${max} ms, got ${value}`);
  return n;
}
