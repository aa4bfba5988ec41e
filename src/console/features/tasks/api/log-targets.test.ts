import type { Task } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { appendLines } from './log-events';
import { logTarget } from './log-targets';

const task: Task = {
  taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/web/0123abcd',
  containers: [{ name: 'web', runtimeId: 'f00d' }, { name: 'idle' }],
};

describe('logTarget', () => {
  it('names the stream <prefix>/<container>/<task id>, in awslogs-region', () => {
    const config = {
      logDriver: 'awslogs' as const,
      options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'ecs' },
    };
    expect(logTarget(task, 'web', config, 'us-east-1')).toEqual({
      region: 'eu-west-1',
      group: '/ecs/web',
      stream: 'ecs/web/0123abcd',
    });
  });

  it('uses the container id without a prefix, and nothing before the container runs', () => {
    const config = { logDriver: 'awslogs' as const, options: { 'awslogs-group': '/g' } };
    expect(logTarget(task, 'web', config, 'us-east-1')).toEqual({
      region: 'us-east-1',
      group: '/g',
      stream: 'f00d',
    });
    expect(logTarget(task, 'idle', config, 'us-east-1')).toBeUndefined();
  });

  it('is undefined for other drivers', () => {
    expect(logTarget(task, 'web', { logDriver: 'json-file' }, 'us-east-1')).toBeUndefined();
    expect(logTarget(task, 'web', undefined, 'us-east-1')).toBeUndefined();
  });
});

describe('appendLines', () => {
  it('keeps the newest lines', () => {
    const lines = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: String(from + i), message: `m${from + i}` }));
    expect(appendLines(lines(0, 3), lines(3, 2), 4).map((l) => l.key)).toEqual(['1', '2', '3', '4']);
    const same = lines(0, 2);
    expect(appendLines(same, [])).toBe(same);
  });
});
