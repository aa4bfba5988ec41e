import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, REGION } from './harness';
import { launchTasks, type TaskLaunch } from './launch';
import type { TaskRecord } from '../ecs/model';

let h: Harness | undefined;
afterEach(() => h?.close());

/** Strings a user controls: quotes, backslashes, control and non-ASCII characters included. */
const text = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ minLength: 1, maxLength: 6, unit: 'binary' }),
  fc.constantFrom('a"b', 'back\\slash', 'tab\there', 'é', '\u2028', '|'),
);

const launchInput = fc.record({
  count: fc.integer({ min: 1, max: 4 }),
  group: text,
  startedBy: fc.option(text, { nil: undefined }),
  tags: fc.array(fc.record({ key: text, value: text }), { maxLength: 3 }),
  containers: fc.array(
    fc.record({
      name: text,
      image: text,
      cpu: fc.option(fc.integer({ min: 0, max: 64 }), { nil: undefined }),
      memory: fc.option(fc.integer({ min: 8, max: 64 }), { nil: undefined }),
      memoryReservation: fc.option(fc.integer({ min: 4, max: 7 }), { nil: undefined }),
      dynamicPort: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  overrides: fc.option(
    fc.record({
      env: fc.array(fc.record({ name: text, value: text }), { maxLength: 2 }),
      taskRoleArn: fc.option(text, { nil: undefined }),
    }),
    { nil: undefined },
  ),
  ephemeral: fc.option(fc.integer({ min: 21, max: 200 }), { nil: undefined }),
  service: fc.boolean(),
  enableExecuteCommand: fc.option(fc.boolean(), { nil: undefined }),
  zone: fc.oneof(fc.constant(''), text),
  advanceMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
  startTask: fc.boolean(),
});

/** The task RunTask answers (as created) from the task its launch stored a step on (PENDING). */
function asCreated(stored: TaskRecord['task']): Record<string, unknown> {
  const created: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) {
    if (key === 'pullStartedAt' || key === 'connectivity' || key === 'connectivityAt') continue;
    created[key] = key === 'lastStatus' ? 'PROVISIONING' : key === 'version' ? 1 : value;
  }
  return created;
}

describe('the launch writes its tasks from pieces (LaunchText)', () => {
  it('stores each placed task as JSON.stringify writes its record, and answers it as JSON.stringify writes it as created', () => {
    fc.assert(
      fc.property(launchInput, (input) => {
        h?.close();
        h = new Harness();
        h.clock.advance(input.advanceMs);
        const instances = [1, 2].map(
          () =>
            h!.addInstance({ cpu: 100_000, memory: 100_000, availabilityZone: input.zone }).containerInstance
              .containerInstanceArn,
        );
        const td = h.taskDefinition(
          'web',
          input.containers.map((c) => ({
            name: c.name,
            ...(c.cpu !== undefined ? { cpu: c.cpu } : {}),
            ...(c.memory !== undefined ? { memory: c.memory } : {}),
            ...(c.memoryReservation !== undefined ? { memoryReservation: c.memoryReservation } : {}),
            ...(c.dynamicPort ? { ports: [{ containerPort: 80, hostPort: 0 }] } : {}),
          })),
        );
        const containers = td.containerDefinitions.map((c, i) => ({
          ...c,
          image: input.containers[i]!.image,
        }));
        const launch: TaskLaunch = {
          clusterArn: h.clusterArn,
          region: REGION,
          taskDefinition: {
            ...td,
            containerDefinitions: containers,
            ...(input.ephemeral ? { ephemeralStorage: { sizeInGiB: input.ephemeral } } : {}),
          },
          count: input.count,
          group: input.group,
          tags: input.tags,
          answered: true,
          ...(input.startedBy !== undefined ? { startedBy: input.startedBy } : {}),
          ...(input.enableExecuteCommand !== undefined
            ? { enableExecuteCommand: input.enableExecuteCommand }
            : {}),
          ...(input.overrides
            ? {
                overrides: {
                  containerOverrides: [{ name: containers[0]!.name, environment: input.overrides.env }],
                  ...(input.overrides.taskRoleArn ? { taskRoleArn: input.overrides.taskRoleArn } : {}),
                },
              }
            : {}),
          ...(input.service
            ? {
                serviceArn: `arn:aws:ecs:${REGION}:000000000000:service/default/web`,
                deploymentId: 'ecs-svc/1',
              }
            : {}),
          ...(input.startTask
            ? { candidateInstanceArns: [instances[0]!, instances[1]!, instances[0]!] }
            : {}),
        };
        const result = h.db.tx(() => launchTasks(h!.deps, launch));
        expect(result.failures).toEqual([]);
        expect(result.tasks.length).toBeGreaterThan(0);
        expect(result.created).toHaveLength(result.tasks.length);
        result.tasks.forEach((stored, i) => {
          const arn = stored.task.taskArn;
          expect(stored.task.lastStatus).toBe('PENDING');
          // The text stored (kept with the cached record) is the record's JSON, and reads back as it.
          expect(h!.col.tasks.writtenText(arn, stored)).toBe(JSON.stringify(stored));
          expect(h!.col.tasks.get(arn)).toEqual(stored);
          // The answer is the task as created, as JSON.stringify writes it.
          expect(result.created[i]).toBe(JSON.stringify(asCreated(stored.task)));
        });
      }),
      { numRuns: 150 },
    );
  });
});
