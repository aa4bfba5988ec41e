import { describe, expect, it } from 'vitest';
import { evaluateClusterQuery, parseClusterQuery, QuerySyntaxError, type QueryTarget } from './cluster-query';

const target = (over: Partial<QueryTarget> = {}): QueryTarget => ({
  agentConnected: true,
  agentVersion: '1.99.0',
  ec2InstanceId: 'i-0123',
  registeredAt: Date.parse('2026-01-01T00:00:00Z') / 1000,
  runningTasksCount: 2,
  attributes: new Map([
    ['ecs.instance-type', 't2.micro'],
    ['ecs.availability-zone', 'us-east-1a'],
  ]),
  taskGroups: new Set(['service:web']),
  ...over,
});

const test = (expr: string, t = target()) => evaluateClusterQuery(parseClusterQuery(expr), t);

describe('cluster query language', () => {
  it.each([
    ['attribute:ecs.instance-type == t2.micro', true],
    ['attribute:ecs.instance-type equals t2.small', false],
    ['attribute:ecs.instance-type != t2.small', true],
    ['attribute:ecs.instance-type in [t2.micro, t2.small]', true],
    ["attribute:ecs.instance-type not_in ['t2.micro']", false],
    ['attribute:ecs.instance-type =~ t2.*', true],
    ['attribute:ecs.instance-type like m5.*', false],
    ['attribute:ecs.instance-type !~ m5.*', true],
    ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', true],
    ['attribute:custom exists', false],
    ['attribute:custom !exists', true],
    ['attribute:custom == x', false],
    ['ec2InstanceId == i-0123', true],
    ['ec2InstanceId in [i-9, i-0123]', true],
    ['agentConnected == true', true],
    ['task:group == service:web', true],
    ['not(task:group == service:web)', false],
    ['!(task:group == service:db)', true],
    ['runningTasksCount < 3', true],
    ['runningTasksCount >= 3', false],
    ['registeredAt < 2026-06-01', true],
    ['registeredAt > 2026-06-01', false],
    ['attribute:ecs.instance-type == t2.micro and attribute:ecs.availability-zone == us-east-1b', false],
    ['attribute:ecs.instance-type == t2.micro or attribute:ecs.availability-zone == us-east-1b', true],
    ['attribute:ecs.instance-type == t2.small || (ec2InstanceId == i-0123 && agentConnected == true)', true],
    ['not attribute:ecs.instance-type == t2.micro or task:group == service:web', true],
  ])('%s -> %s', (expr, expected) => {
    expect(test(expr)).toBe(expected);
  });

  it.each([
    '',
    'attribute:x ==',
    'foo == bar',
    'attribute:x == [a',
    '(attribute:x == a',
    'attribute:x == a b',
    "attribute:x == 'a",
  ])('rejects %j', (expr) => {
    expect(() => parseClusterQuery(expr)).toThrow(QuerySyntaxError);
  });
});
