/** Reported container exits and health written onto task records. */
import { describe, expect, it } from 'vitest';
import type { TaskRecord } from '../ecs/model';
import { withContainerExits, withContainerHealth, withExitedContainer } from './container-events';

const record = (): TaskRecord => ({
  task: {
    taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/default/abc',
    clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/default',
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    version: 3,
    containers: [
      { name: 'web', lastStatus: 'RUNNING', networkBindings: [{ containerPort: 80, hostPort: 32768 }] },
      { name: 'sidecar', lastStatus: 'RUNNING' },
    ],
  },
  region: 'us-east-1',
  ports: [],
  reservedCpu: 0,
  reservedMemory: 0,
  history: [],
});

describe('container events', () => {
  it('an essential container that exits stops its task as ECS does; another only records its exit', () => {
    const oom = withExitedContainer(
      record(),
      {
        containerName: 'web',
        exitCode: 137,
        reason: 'OutOfMemoryError: Container killed due to memory usage',
      },
      true,
      10_000,
      200,
    );
    expect(oom.task).toMatchObject({
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      version: 4,
    });
    expect(oom.task.containers?.[0]).toMatchObject({
      lastStatus: 'STOPPED',
      exitCode: 137,
      networkBindings: [],
    });
    expect(oom.nextTransitionAt).toBe(10_200);

    const side = withExitedContainer(record(), { containerName: 'sidecar', exitCode: 0 }, false, 10_000, 200);
    expect(side.task.desiredStatus).toBe('RUNNING');
    expect(side.task.stopCode).toBeUndefined();
    expect(side.task.containers?.[1]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 0 });
  });

  it('exit codes collected at the stop never replace one recorded earlier', () => {
    const exited = withExitedContainer(record(), { containerName: 'web', exitCode: 1 }, true, 0, 200);
    const stopped = withContainerExits(exited, [
      { containerName: 'web', exitCode: 0 },
      { containerName: 'sidecar', exitCode: 143 },
    ]);
    expect(stopped.task.containers?.map((c) => c.exitCode)).toEqual([1, 143]);
  });

  it('the task is HEALTHY when all its checked essential containers are, UNHEALTHY when one is not', () => {
    const checked = (name: string) => name === 'web' || name === 'sidecar';
    const one = withContainerHealth(record(), 'web', 'HEALTHY', checked);
    expect(one.task.healthStatus).toBe('UNKNOWN');
    const both = withContainerHealth(one, 'sidecar', 'HEALTHY', checked);
    expect(both.task.healthStatus).toBe('HEALTHY');
    expect(withContainerHealth(both, 'sidecar', 'UNHEALTHY', checked).task.healthStatus).toBe('UNHEALTHY');
    expect(withContainerHealth(record(), 'web', 'HEALTHY', (n) => n === 'web').task.healthStatus).toBe(
      'HEALTHY',
    );
  });
});
