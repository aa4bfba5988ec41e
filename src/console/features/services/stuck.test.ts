import type { ContainerInstance, Service, TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { diagnose, isStuck } from './stuck';

const t0 = new Date(1_000_000);
const later = new Date(2_000_000);

function service(over: Partial<Service> = {}): Service {
  return {
    serviceName: 'sample-webapp',
    desiredCount: 3,
    deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
    deployments: [
      { status: 'PRIMARY', rolloutState: 'IN_PROGRESS', desiredCount: 3, runningCount: 0, createdAt: t0 },
      { status: 'ACTIVE', rolloutState: 'COMPLETED', desiredCount: 3, runningCount: 3 },
    ],
    events: [
      {
        createdAt: later,
        message:
          '(service sample-webapp) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance x) is already using a port required by your task.',
      },
    ],
    ...over,
  };
}

const td: TaskDefinition = {
  family: 'app',
  networkMode: 'bridge',
  containerDefinitions: [
    { name: 'web', memory: 300, cpu: 10, portMappings: [{ containerPort: 80, hostPort: 80 }] },
  ],
};

const instance = (ports: string[], memory = 600): ContainerInstance => ({
  status: 'ACTIVE',
  remainingResources: [
    { name: 'CPU', integerValue: 1000 },
    { name: 'MEMORY', integerValue: memory },
    { name: 'PORTS', stringSetValue: ports },
  ],
});

describe('diagnose', () => {
  it('the wizard defaults: each instance uses host port 80 and the minimum healthy percent is 100 %', () => {
    const d = diagnose({
      service: service(),
      taskDefinition: td,
      instances: [1, 2, 3].map(() => instance(['22', '80'])),
    });
    expect(d?.summary).toBe(
      'The deployment is stuck: each of the 3 instances already uses host port 80 and the minimum healthy percent is 100 %, so ECS keeps all 3 old tasks running and cannot free an instance first.',
    );
    expect(d?.fixes).toEqual([
      { id: 'lower-minimum', minimumHealthyPercent: 66 },
      { id: 'dynamic-host-port', ports: [80] },
      { id: 'add-instances' },
    ]);
  });

  it('memory: no instance has room, and a lower minimum would let ECS stop one first', () => {
    const dynamic = {
      ...td,
      containerDefinitions: [
        { name: 'web', memory: 300, portMappings: [{ containerPort: 80, hostPort: 0 }] },
      ],
    };
    const d = diagnose({ service: service(), taskDefinition: dynamic, instances: [instance(['22'], 200)] });
    expect(d?.reasons[0]).toBe('no instance has 300 MiB of memory free (the most is 200 MiB)');
    expect(d?.fixes.map((f) => f.id)).toEqual(['lower-minimum', 'add-instances']);
  });

  it('no instance at all', () => {
    expect(diagnose({ service: service(), taskDefinition: td, instances: [] })?.summary).toBe(
      'The deployment is stuck: the cluster has no ACTIVE container instance.',
    );
  });

  it('a deployment that progresses, or that completed, is not stuck', () => {
    expect(
      isStuck(
        service({ events: [{ createdAt: later, message: '(service x) has started 1 tasks: (task a).' }] }),
      ),
    ).toBe(false);
    expect(
      isStuck(
        service({
          deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 3, runningCount: 3 }],
        }),
      ),
    ).toBe(false);
    // An "unable to place" from before this deployment began says nothing about it.
    expect(
      isStuck(service({ events: [{ createdAt: new Date(0), message: 'was unable to place a task' }] })),
    ).toBe(false);
    expect(diagnose({ service: service({ deployments: [] }), taskDefinition: td, instances: [] })).toBeNull();
  });
});
