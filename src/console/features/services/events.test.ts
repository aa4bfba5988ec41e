import { describe, expect, it } from 'vitest';
import { classifyEvent, mergeServiceEvents } from './events';

describe('classifyEvent', () => {
  it.each([
    ['(service web) has reached a steady state.', 'steady'],
    ['(service web) has started 2 tasks: (task a) (task b).', 'started'],
    ['(service web) has stopped 1 running tasks: (task a).', 'stopped'],
    [
      '(service web) was unable to place a task because no container instance met all of its requirements.',
      'unable-to-place',
    ],
    ['(service web) registered 2 targets in (target-group arn:x)', 'registered-targets'],
    ['(service web) deregistered 1 targets in (target-group arn:x)', 'deregistered-targets'],
    [
      '(service web) (port 80) is unhealthy in (target-group arn:x) due to (reason Health checks failed).',
      'unhealthy',
    ],
    ['(service web) (deployment ecs-svc/1) deployment completed.', 'deployment'],
    ['(service web) (deployment ecs-svc/2) deployment failed: tasks failed to start.', 'deployment-failed'],
    ['(service web) rolling back to deployment ecs-svc/1.', 'deployment-failed'],
    ['(service web) something new', 'other'],
  ])('%s -> %s', (message, kind) => {
    expect(classifyEvent(message)).toBe(kind);
  });
});

describe('mergeServiceEvents', () => {
  it('merges the services into one timeline, newest first', () => {
    const events = mergeServiceEvents([
      {
        serviceName: 'a',
        events: [{ id: '1', createdAt: new Date(1000), message: '(service a) has reached a steady state.' }],
      },
      {
        serviceName: 'b',
        events: [
          { id: '2', createdAt: new Date(3000), message: '(service b) has started 1 tasks: (task x).' },
        ],
      },
      {
        serviceName: 'c',
        events: [
          {
            id: '3',
            createdAt: new Date(2000),
            message: '(service c) has stopped 1 running tasks: (task y).',
          },
        ],
      },
    ]);
    expect(events.map((e) => [e.serviceName, e.kind])).toEqual([
      ['b', 'started'],
      ['c', 'stopped'],
      ['a', 'steady'],
    ]);
  });
});
