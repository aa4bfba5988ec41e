/**
 * `npm run bench [-- --quick] [-- --only NAME] [-- --endpoint URL] [-- --sdk-client]`: runs each benchmark
 * and prints its figures. NAME: ecs-api, stack, agent, bundle, dashboard, runtime, metrics, scale,
 * fargate (issue 14: bench/scale/index.ts), scale-micro (bench/scale/held-micro.ts, run only
 * with --only), service-pass (bench/scale/service-pass.ts). --sdk-client makes the ECS API bench use
 * the AWS SDK client instead of a plain keep-alive HTTP client (both send the same wire requests).
 * Figures only: nothing here asserts a time (the machines are shared and noisy).
 */
import { benchEcsApi } from './ecs-api';
import { benchStack } from './stack';
import { benchAgent } from './agent';
import { benchBundle } from './bundle';
import { benchDashboard } from './dashboard';
import { benchRuntime } from './runtime';
import { benchMetrics } from './metrics';
import { benchScale } from './scale/index';
import { benchFargate } from './fargate';
import { benchScaleMicro } from './scale/held-micro';
import { benchServicePass } from './scale/service-pass';

const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;

const benches: Record<string, (argv: string[]) => Promise<void>> = {
  'ecs-api': benchEcsApi,
  stack: benchStack,
  agent: benchAgent,
  bundle: benchBundle,
  dashboard: benchDashboard,
  runtime: benchRuntime,
  metrics: benchMetrics,
  scale: benchScale,
  fargate: benchFargate,
  'scale-micro': benchScaleMicro,
  'service-pass': benchServicePass,
};

for (const [name, run] of Object.entries(benches)) {
  if (only ? only !== name : name === 'scale-micro') continue;
  await run(argv);
}
