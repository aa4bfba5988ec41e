/**
 * The agent's task driver at scale, in process: 10,000 tasks on 1,000 container instances walked
 * from PROVISIONING to RUNNING (3 steps of 20 ms each) through the work queue, one batch
 * transaction at a time. Prints the wall time, the CPU time the process used and the looks per
 * second. (This was a CPU-time assertion in `agent/driver.test.ts`; speed is measured here.)
 */
import { ecsCollections } from '../src/local/ecs/model';
import { TaskDriver, defaultDriverOptions } from '../src/local/agent/driver';
import { instanceRecord, placeTask, testDeps } from '../src/local/agent/test-fixtures';
import { ContainerRuntime } from '../src/local/runtime/runtime';
import { Db } from '../src/local/store/db';
import { fmt } from './lib';

export async function benchAgent(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const instanceCount = quick ? 100 : 1000;
  const perInstance = 10;
  const total = instanceCount * perInstance;
  console.log(`\n== Agent: ${total} tasks on ${instanceCount} instances, PROVISIONING -> RUNNING ==\n`);

  const db = new Db(null);
  const deps = testDeps(db, { taskStepMs: 20 });
  const runtime = new ContainerRuntime({ fallbackAddress: '127.0.0.1', log: deps.log });
  const driver = new TaskDriver(deps, runtime, defaultDriverOptions);
  const col = ecsCollections(db);
  const instances = Array.from({ length: instanceCount }, (_, i) =>
    instanceRecord(i, `127.77.${2 + (i >> 8)}.${(i & 255) + 1}`, 20480, 40000),
  );
  db.tx(() => {
    for (const ci of instances) {
      for (let k = 0; k < perInstance; k++) {
        const rec = placeTask({ instance: ci });
        col.tasks.put(rec.task.taskArn, rec);
      }
      col.containerInstances.put(ci.containerInstance.containerInstanceArn, ci);
    }
  });
  const clusterDesired = `${instances[0]?.clusterArn}|RUNNING`;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await driver.start();
  for (;;) {
    if (col.tasks.count({ clusterDesired }) === total && driver.pending === 0) break;
    if (performance.now() - started > 120_000) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const running = col.tasks.find({ clusterDesired }).filter((t) => t.task.lastStatus === 'RUNNING').length;
  await driver.stop();
  db.close();
  if (running !== total) throw new Error(`only ${running} of ${total} tasks RUNNING`);
  // Four looks per task: the first schedules the walk, then PENDING, ACTIVATING, RUNNING.
  console.log(
    `  ${total} tasks RUNNING in ${fmt(wallMs / 1000, 2)} s wall, ${fmt(cpuMs / 1000, 2)} s CPU ` +
      `(${fmt((cpuMs * 1000) / (total * 4), 1)} µs CPU per look, ${Math.round((total * 4) / (wallMs / 1000))} looks/s)`,
  );
}
