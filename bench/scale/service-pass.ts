/**
 * `npm run bench -- --only service-pass [--quick] [--log]`: the service scheduler's passes at scale (issue 14).
 * One process: the control plane listens on a loopback port and this client talks to it over HTTP.
 * A service is scaled 0 -> 10,000 tasks on 1,000 instances (--quick: 2,000 on 200) with lifecycle
 * steps of 200 ms; meanwhile one client calls DescribeServices every 20 ms. Printed: tasks/s to
 * RUNNING, the scheduler's passes (count, longest, time in passes) during the scale-up, and
 * DescribeServices p50/p99 during it and while the 10,000 tasks are held (10 s from the
 * deployment's completion) while other tasks are run and stopped in the cluster, with the passes
 * per second meanwhile (hints, rechecks and the resync) and how many found the service still
 * steady without reading its tasks. `--task-set`: the same with the EXTERNAL deployment controller,
 * the service's tasks in one task set (CreateTaskSet, scale 100 %). `--log`: each pass while scaling
 * up (when it started, how long it took, the task records it read and the tasks it placed).
 * Figures only: nothing asserts a time.
 */
import { LocalControlPlane } from '../../src/local/index';
import { ServiceScheduler } from '../../src/local/scheduler/worker';
import { fmt, Latencies, pool, quantile, rawEcs, table } from '../lib';

/** Pass figures, gathered by wrapping ServiceScheduler.process (the bench's own instrument). */
class PassMeter {
  count = 0;
  totalMs = 0;
  longestMs = 0;
  times: number[] = [];
  /** Each pass: when it started (ms since the reset), how long it took, tasks it read and placed. */
  log: { atMs: number; ms: number; read: number; placed: number }[] = [];
  origin = performance.now();
  scheduler: ServiceScheduler | undefined;
  reset(): void {
    this.count = 0;
    this.totalMs = 0;
    this.longestMs = 0;
    this.times = [];
    this.log = [];
    this.origin = performance.now();
  }
  get tasksRead(): number {
    return this.scheduler?.tasksRead ?? 0;
  }
  get tasksPlaced(): number {
    return this.scheduler?.tasksPlaced ?? 0;
  }
  get medianMs(): number {
    return quantile(
      [...this.times].sort((a, b) => a - b),
      0.5,
    );
  }
  get steadyPasses(): number | undefined {
    return (this.scheduler as { steadyPasses?: number } | undefined)?.steadyPasses;
  }
}

function meterPasses(): PassMeter {
  const meter = new PassMeter();
  const proto = ServiceScheduler.prototype;
  const original = proto.process;
  proto.process = async function (this: ServiceScheduler, serviceArn: string) {
    meter.scheduler = this;
    const t0 = performance.now();
    const read = meter.tasksRead;
    const placed = meter.tasksPlaced;
    try {
      return await original.call(this, serviceArn);
    } finally {
      const ms = performance.now() - t0;
      meter.count++;
      meter.totalMs += ms;
      meter.longestMs = Math.max(meter.longestMs, ms);
      meter.times.push(ms);
      meter.log.push({
        atMs: t0 - meter.origin,
        ms,
        read: meter.tasksRead - read,
        placed: meter.tasksPlaced - placed,
      });
    }
  };
  return meter;
}

export async function benchServicePass(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const taskSet = argv.includes('--task-set');
  const instances = quick ? 200 : 1000;
  const tasks = quick ? 2000 : 10_000;
  console.log(
    `\n== service-pass: a service${taskSet ? ' (EXTERNAL, one task set)' : ''} scaled 0 -> ${tasks} on ${instances} instances ==`,
  );
  const meter = meterPasses();
  const plane = new LocalControlPlane({ statePath: null, taskStepMs: 200 });
  await plane.start();
  const url = await plane.listen(0);
  const c = rawEcs(url);
  try {
    await c.call('CreateCluster', { clusterName: 'sp' });
    await c.call('RegisterTaskDefinition', {
      family: 'sp',
      containerDefinitions: [{ name: 'app', image: 'busybox', cpu: 10, memory: 32, essential: true }],
    });
    await pool(
      Array.from({ length: instances }, (_, i) => i),
      16,
      async () => {
        await c.call('RegisterContainerInstance', {
          cluster: 'sp',
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 8192 },
          ],
        });
      },
    );
    await plane.idle();
    const lat = new Latencies();
    const describe = async (label: string) => {
      const t0 = performance.now();
      const out = await c.call<{ services: { runningCount?: number }[] }>('DescribeServices', {
        cluster: 'sp',
        services: ['svc'],
      });
      lat.record(label, performance.now() - t0);
      return out.services[0]?.runningCount ?? 0;
    };
    meter.reset();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    if (taskSet) {
      await c.call('CreateService', {
        cluster: 'sp',
        serviceName: 'svc',
        desiredCount: tasks,
        deploymentController: { type: 'EXTERNAL' },
      });
      await c.call('CreateTaskSet', {
        cluster: 'sp',
        service: 'svc',
        taskDefinition: 'sp',
        scale: { value: 100, unit: 'PERCENT' },
      });
    } else {
      await c.call('CreateService', {
        cluster: 'sp',
        serviceName: 'svc',
        taskDefinition: 'sp',
        desiredCount: tasks,
      });
    }
    while ((await describe('DescribeServices, scaling up')) < tasks) await sleep(20);
    const upMs = performance.now() - t0;
    const upCpu = process.cpuUsage(cpu0);
    const up = {
      count: meter.count,
      totalMs: meter.totalMs,
      longestMs: meter.longestMs,
      read: meter.log.reduce((n, p) => n + p.read, 0),
      log: [...meter.log],
    };
    // Held: from the deployment's completion (its tasks RUNNING long enough; the task set steady) on.
    for (;;) {
      const out = await c.call<{
        services: {
          deployments?: { rolloutState?: string }[];
          taskSets?: { stabilityStatus?: string }[];
        }[];
      }>('DescribeServices', { cluster: 'sp', services: ['svc'] });
      const svc = out.services[0];
      if (
        taskSet
          ? svc?.taskSets?.[0]?.stabilityStatus === 'STEADY_STATE'
          : svc?.deployments?.[0]?.rolloutState === 'COMPLETED'
      )
        break;
      await sleep(50);
    }

    meter.reset();
    const steadyBefore = meter.steadyPasses ?? 0;
    const h0 = performance.now();
    // Other work in the cluster meanwhile: RunTask 10, StopTask them, again (each batch that moves
    // hints the cluster, so the service).
    let churning = true;
    const churn = (async () => {
      while (churning) {
        const out = await c.call<{ tasks: { taskArn: string }[] }>('RunTask', {
          cluster: 'sp',
          taskDefinition: 'sp',
          count: 10,
        });
        await sleep(200);
        for (const t of out.tasks) await c.call('StopTask', { cluster: 'sp', task: t.taskArn });
      }
    })();
    while (performance.now() - h0 < 10_000) {
      await describe(`DescribeServices, ${tasks} held, RunTask churn`);
      await sleep(20);
    }
    churning = false;
    await churn;
    const heldS = (performance.now() - h0) / 1000;
    const steady = meter.steadyPasses === undefined ? 'n/a' : String(meter.steadyPasses - steadyBefore);

    if (argv.includes('--log')) {
      console.log(
        table(
          up.log.map((p) => ({
            'at (ms)': fmt(p.atMs, 0),
            'pass (ms)': fmt(p.ms, 1),
            'tasks read': p.read,
            placed: p.placed,
          })),
        ),
      );
    }
    console.log(
      table(
        lat.rows().map((r) => ({ action: r.action, count: r.count, p50: fmt(r.p50, 2), p99: fmt(r.p99, 2) })),
      ),
    );
    console.log(
      table([
        { figure: `tasks/s to RUNNING (0 -> ${tasks})`, value: fmt((1000 * tasks) / upMs, 0) },
        {
          figure: 'CPU us per task while scaling up (process, client included)',
          value: fmt((upCpu.user + upCpu.system) / tasks, 0),
        },
        { figure: 'passes while scaling up', value: up.count },
        { figure: 'time in passes while scaling up (ms)', value: fmt(up.totalMs, 0) },
        { figure: 'longest pass (ms)', value: fmt(up.longestMs, 0) },
        { figure: 'task records read by passes while scaling up', value: up.read },
        { figure: 'passes/s while held (RunTask churn)', value: fmt(meter.count / heldS, 2) },
        { figure: 'of those, steady without reading tasks', value: steady },
        { figure: 'pass while held, median (ms)', value: fmt(meter.medianMs, 2) },
        { figure: 'longest pass while held (ms)', value: fmt(meter.longestMs, 1) },
      ]),
    );
  } finally {
    c.close();
    await plane.stop();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
