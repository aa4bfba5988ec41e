/** `ecs-console serve`: the console (SPA + /aws proxy + AWS endpoint) on one port. What `npm start` runs. */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { bindRefusal, startConsoleServer, ServeUsageError, type TargetOptions } from '../server/index';
import { buildSpa, spaState } from '../server/spa';
import { EngineUnreachableError, tokenRefusal } from '../local/index';
import { defaultStatePath, dockerUnavailable, metricsInterval, runtimeKind } from './local';

const help = `usage: ecs-console serve [options]

  --port N             port to listen on (default 8080; 0 picks a free one)
  --host ADDR          address to bind (default 127.0.0.1; anything else needs --token)
  --token T            access token (or env ECS_CONSOLE_TOKEN); open /?token=T once in the browser
  --verbose            print one line per AWS call

target (default: the embedded local control plane):
  --state FILE         local: SQLite state file (default ~/.ecs-console/state.sqlite)
  --ephemeral          local: keep state in memory only
  --task-step-ms MS    local: delay between task lifecycle steps (default 200)
  --metrics-interval-ms MS  local: how often metrics are published and alarms count periods
                       (default 60000; 1000-60000; below a minute for tests and demos)
  --runtime R          local: what runs the tasks, simulated (default) or docker (real
                       containers on the Docker Engine at DOCKER_HOST or /var/run/docker.sock)
  --allow-reset        local: enable POST /_ecs-console/reset (wipes all state; for test suites)
  --aws                real AWS: credentials from the standard chain, re-signed per request
  --profile P          --aws/--endpoint: the shared-config profile to use
  --region R           default region shown in the console
  --endpoint URL       any AWS-compatible endpoint (moto, LocalStack)

  --skip-build         do not build the SPA even when it is missing or stale`;

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export async function serveCommand(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        state: { type: 'string' },
        ephemeral: { type: 'boolean', default: false },
        aws: { type: 'boolean', default: false },
        profile: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        token: { type: 'string' },
        'task-step-ms': { type: 'string' },
        'metrics-interval-ms': { type: 'string' },
        runtime: { type: 'string' },
        'allow-reset': { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        'skip-build': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (values.help) {
    console.log(help);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return usageError(`--port must be 0-65535, got ${values.port}`);
  if (values.aws && values.endpoint) return usageError('--aws and --endpoint are exclusive');
  const proxied = values.aws || values.endpoint !== undefined;
  const localOnly = (
    ['state', 'ephemeral', 'task-step-ms', 'metrics-interval-ms', 'allow-reset', 'runtime'] as const
  ).filter((k) => values[k] !== undefined && values[k] !== false);
  if (proxied && localOnly.length)
    return usageError(`--${localOnly.join(', --')} only apply to the local control plane`);
  if (!proxied && values.profile) return usageError('--profile needs --aws or --endpoint');
  if (values.state && values.ephemeral) return usageError('--state and --ephemeral are exclusive');
  let taskStepMs: number | undefined;
  if (values['task-step-ms'] !== undefined) {
    taskStepMs = Number(values['task-step-ms']);
    if (!Number.isInteger(taskStepMs) || taskStepMs < 0)
      return usageError('--task-step-ms must be a whole number of ms');
  }
  let metricsIntervalMs: number | undefined;
  try {
    metricsIntervalMs = metricsInterval(values['metrics-interval-ms']);
  } catch (e) {
    return usageError((e as Error).message);
  }
  let runtime: 'simulated' | 'docker';
  try {
    runtime = runtimeKind(values.runtime);
  } catch (e) {
    return usageError((e as Error).message);
  }
  const token = values.token ?? process.env.ECS_CONSOLE_TOKEN;
  const refusal = bindRefusal(values.host, token) ?? (token === undefined ? null : tokenRefusal(token));
  if (refusal) return usageError(refusal);

  let statePath: string | null = null;
  let target: TargetOptions;
  if (values.aws) target = { mode: 'aws', profile: values.profile, region: values.region };
  else if (values.endpoint)
    target = { mode: 'endpoint', url: values.endpoint, profile: values.profile, region: values.region };
  else {
    statePath = values.ephemeral ? null : (values.state ?? defaultStatePath());
    target = {
      mode: 'local',
      statePath,
      allowReset: values['allow-reset'],
      taskStepMs,
      metricsIntervalMs,
      region: values.region,
      runtime,
    };
  }

  const spaMissingReason = await prepareSpa(values['skip-build']);

  let server;
  try {
    server = await startConsoleServer({
      target,
      port,
      host: values.host,
      token,
      verbose: values.verbose,
      spaMissingReason,
    });
  } catch (e) {
    if (e instanceof ServeUsageError) return usageError(e.message);
    if (e instanceof EngineUnreachableError) {
      console.error(`ecs-console serve: ${dockerUnavailable(e)}`);
      return 1;
    }
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(
        `ecs-console serve: port ${port} is in use on ${values.host}; pick another with --port (0 = any free port)`,
      );
      return 1;
    }
    throw e;
  }

  const { url, info } = server;
  console.log(`ecs-console console: ${url}/`);
  if (token) console.log(`  first visit: ${url}/?token=<your token> (sets a cookie; then ${url}/ works)`);
  if (info.mode === 'local') {
    console.log(`  backend: embedded local control plane, state ${statePath ?? 'in memory (--ephemeral)'}`);
    const rt = info.runtime;
    if (rt?.kind === 'docker')
      console.log(`  runtime: docker (real containers, Docker Engine ${rt.dockerEngine ?? ''})`);
    else if (rt?.dockerEngine)
      console.log(
        `  runtime: simulated (a Docker Engine ${rt.dockerEngine} answers: --runtime docker runs real containers)`,
      );
    else console.log('  runtime: simulated');
  } else if (info.mode === 'aws') {
    console.log(`  backend: AWS account ${info.accountId ?? '(unknown)'}, region ${info.region}`);
  } else console.log(`  backend: endpoint ${info.endpoint}, region ${info.region}`);
  for (const note of server.notes) console.log(`  note: ${note}`);
  console.log(
    `  AWS CLI: aws --endpoint-url ${url} ecs list-clusters` +
      (info.mode === 'local' ? '  (any credentials, e.g. AWS_ACCESS_KEY_ID=test)' : '') +
      (token ? `  (with AWS_ACCESS_KEY_ID=<your token>)` : ''),
  );
  console.log('  stop with Ctrl-C');

  const close = server.close;
  const shutdown = async () => {
    await close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await new Promise(() => {});
  return 0;
}

function usageError(message: string): number {
  console.error(`ecs-console serve: ${message}`);
  return 2;
}

/** Builds dist/console when missing or older than its sources. Returns why there is no console, if so. */
async function prepareSpa(skip: boolean): Promise<string | undefined> {
  const outDir = `${projectRoot}dist/console`;
  const state = spaState(projectRoot, outDir);
  if (state.kind === 'no-sources') {
    console.log(`console SPA: ${state.reason} Serving a placeholder page.`);
    return state.reason;
  }
  if (state.kind === 'fresh' || skip) return undefined;
  console.log(`console SPA: building (${state.reason}) with vite...`);
  const started = Date.now();
  const code = await buildSpa(projectRoot, (line) => console.log(line));
  if (code !== 0) {
    const reason = `The console build failed (npx vite build exited ${code}); see the terminal running ecs-console serve.`;
    console.error(`console SPA: ${reason}`);
    return reason;
  }
  console.log(`console SPA: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return undefined;
}
