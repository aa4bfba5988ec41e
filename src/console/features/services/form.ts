/**
 * The service form, for CreateService and UpdateService: its values (strings, as the inputs hold them),
 * their validation, the inputs it sends, and what an update changes. The update form starts from the
 * service as it is; UpdateService then carries only what changed.
 */
import type { Service } from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { familyOf, revisionOf } from '../../aws/queries/task-definition-revisions';
import { intText, numberOrUndefined, optionalIntText, splitList, tagRowSchema } from '../../lib/form-values';

const NAME_RE = /^[A-Za-z0-9_-]{1,255}$/;

export const serviceFormSchema = z
  .object({
    serviceName: z
      .string()
      .regex(NAME_RE, 'A service name has 1-255 letters, digits, hyphens or underscores.'),
    family: z.string().min(1, 'Choose a task definition family.'),
    revision: z.string(),
    schedulingStrategy: z.enum(['REPLICA', 'DAEMON']),
    desiredCount: intText('the desired number of tasks', 0, 10_000),
    compute: z.enum(['launchType', 'capacityProviders']),
    launchType: z.enum(['EC2', 'FARGATE', 'EXTERNAL']),
    capacityProviderStrategy: z.array(
      z.object({
        capacityProvider: z.string().trim().min(1, 'Enter a capacity provider, e.g. FARGATE.'),
        weight: optionalIntText('the weight', 0, 1000),
        base: optionalIntText('the base', 0, 100_000),
      }),
    ),
    minimumHealthyPercent: intText('the minimum healthy percent', 0, 100),
    maximumPercent: intText('the maximum percent', 100, 200),
    circuitBreaker: z.enum(['off', 'fail', 'rollback']),
    awsvpc: z.boolean(),
    subnets: z.string(),
    securityGroups: z.string(),
    assignPublicIp: z.boolean(),
    loadBalancers: z.array(
      z.object({
        targetGroupArn: z.string().trim().startsWith('arn:', 'Enter a target group ARN.'),
        containerName: z.string().trim().min(1, 'Enter the container name.'),
        containerPort: intText('the container port', 1, 65535),
      }),
    ),
    placementStrategy: z.array(
      z.object({ type: z.enum(['binpack', 'spread', 'random']), field: z.string() }),
    ),
    placementConstraints: z.array(
      z.object({ type: z.enum(['distinctInstance', 'memberOf']), expression: z.string() }),
    ),
    healthCheckGracePeriodSeconds: optionalIntText('the grace period (s)', 0, 2_147_483_647),
    tags: z.array(tagRowSchema).max(50),
    forceNewDeployment: z.boolean(),
  })
  .superRefine((v, ctx) => {
    if (v.awsvpc && splitList(v.subnets).length === 0)
      ctx.addIssue({ code: 'custom', path: ['subnets'], message: 'awsvpc needs at least one subnet.' });
    if (v.compute === 'capacityProviders' && v.capacityProviderStrategy.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['capacityProviderStrategy'],
        message: 'Add a capacity provider, or use a launch type.',
      });
    v.placementStrategy.forEach((p, i) => {
      if (p.type !== 'random' && p.field.trim() === '')
        ctx.addIssue({
          code: 'custom',
          path: ['placementStrategy', i, 'field'],
          message:
            p.type === 'binpack'
              ? 'binpack needs a field: memory or cpu.'
              : 'spread needs a field, e.g. instanceId.',
        });
    });
    v.placementConstraints.forEach((p, i) => {
      if (p.type === 'memberOf' && p.expression.trim() === '')
        ctx.addIssue({
          code: 'custom',
          path: ['placementConstraints', i, 'expression'],
          message: 'memberOf needs a cluster query expression.',
        });
    });
    if (v.minimumHealthyPercent === '100' && v.maximumPercent === '100' && v.desiredCount !== '0')
      ctx.addIssue({
        code: 'custom',
        path: ['maximumPercent'],
        message: 'With 100 % minimum and 100 % maximum a deployment can neither start nor stop a task.',
      });
  });

export type ServiceForm = z.infer<typeof serviceFormSchema>;

export function emptyServiceForm(family = '', revision = ''): ServiceForm {
  return {
    serviceName: '',
    family,
    revision,
    schedulingStrategy: 'REPLICA',
    desiredCount: '1',
    compute: 'launchType',
    launchType: 'EC2',
    capacityProviderStrategy: [],
    minimumHealthyPercent: '100',
    maximumPercent: '200',
    circuitBreaker: 'rollback',
    awsvpc: false,
    subnets: '',
    securityGroups: '',
    assignPublicIp: false,
    loadBalancers: [],
    placementStrategy: [],
    placementConstraints: [],
    healthCheckGracePeriodSeconds: '',
    tags: [],
    forceNewDeployment: false,
  };
}

const text = (n: number | undefined) => (n === undefined ? '' : String(n));

/** The service as it is, as form values (the update form's start). */
export function formFromService(s: Service, tags: Array<{ key?: string; value?: string }> = []): ServiceForm {
  const c = s.deploymentConfiguration;
  const breaker = c?.deploymentCircuitBreaker;
  const vpc = s.networkConfiguration?.awsvpcConfiguration;
  const td = s.taskDefinition ?? '';
  return {
    serviceName: s.serviceName ?? '',
    family: familyOf(td),
    revision: text(revisionOf(td)),
    schedulingStrategy: s.schedulingStrategy === 'DAEMON' ? 'DAEMON' : 'REPLICA',
    desiredCount: text(s.desiredCount ?? 0),
    compute: (s.capacityProviderStrategy ?? []).length > 0 ? 'capacityProviders' : 'launchType',
    launchType: s.launchType === 'FARGATE' || s.launchType === 'EXTERNAL' ? s.launchType : 'EC2',
    capacityProviderStrategy: (s.capacityProviderStrategy ?? []).map((p) => ({
      capacityProvider: p.capacityProvider ?? '',
      weight: text(p.weight),
      base: text(p.base),
    })),
    minimumHealthyPercent: text(c?.minimumHealthyPercent ?? 100),
    maximumPercent: text(c?.maximumPercent ?? 200),
    circuitBreaker: breaker?.enable ? (breaker.rollback ? 'rollback' : 'fail') : 'off',
    awsvpc: Boolean(vpc),
    subnets: (vpc?.subnets ?? []).join(', '),
    securityGroups: (vpc?.securityGroups ?? []).join(', '),
    assignPublicIp: vpc?.assignPublicIp === 'ENABLED',
    loadBalancers: (s.loadBalancers ?? []).map((lb) => ({
      targetGroupArn: lb.targetGroupArn ?? '',
      containerName: lb.containerName ?? '',
      containerPort: text(lb.containerPort),
    })),
    placementStrategy: (s.placementStrategy ?? []).map((p) => ({
      type: p.type === 'binpack' || p.type === 'spread' ? p.type : 'random',
      field: p.field ?? '',
    })),
    placementConstraints: (s.placementConstraints ?? []).map((p) => ({
      type: p.type === 'memberOf' ? 'memberOf' : 'distinctInstance',
      expression: p.expression ?? '',
    })),
    healthCheckGracePeriodSeconds: s.loadBalancers?.length ? text(s.healthCheckGracePeriodSeconds) : '',
    tags: tags.map((t) => ({ key: t.key ?? '', value: t.value ?? '' })),
    forceNewDeployment: false,
  };
}

type Json = Record<string, unknown>;

const taskDefinitionOf = (v: ServiceForm) => (v.revision ? `${v.family}:${v.revision}` : v.family);

function parts(v: ServiceForm) {
  return {
    taskDefinition: taskDefinitionOf(v),
    deploymentConfiguration: {
      minimumHealthyPercent: Number(v.minimumHealthyPercent),
      maximumPercent: Number(v.maximumPercent),
      deploymentCircuitBreaker: {
        enable: v.circuitBreaker !== 'off',
        rollback: v.circuitBreaker === 'rollback',
      },
    },
    capacityProviderStrategy: v.capacityProviderStrategy.map((p) => ({
      capacityProvider: p.capacityProvider.trim(),
      ...(numberOrUndefined(p.weight) !== undefined && { weight: numberOrUndefined(p.weight) }),
      ...(numberOrUndefined(p.base) !== undefined && { base: numberOrUndefined(p.base) }),
    })),
    networkConfiguration: v.awsvpc
      ? {
          awsvpcConfiguration: {
            subnets: splitList(v.subnets),
            ...(splitList(v.securityGroups).length > 0 && { securityGroups: splitList(v.securityGroups) }),
            assignPublicIp: v.assignPublicIp ? 'ENABLED' : 'DISABLED',
          },
        }
      : undefined,
    loadBalancers: v.loadBalancers.map((lb) => ({
      targetGroupArn: lb.targetGroupArn.trim(),
      containerName: lb.containerName.trim(),
      containerPort: Number(lb.containerPort),
    })),
    placementStrategy: v.placementStrategy.map((p) =>
      p.type === 'random' ? { type: p.type } : { type: p.type, field: p.field.trim() },
    ),
    placementConstraints: v.placementConstraints.map((p) =>
      p.type === 'memberOf' ? { type: p.type, expression: p.expression.trim() } : { type: p.type },
    ),
    healthCheckGracePeriodSeconds: numberOrUndefined(v.healthCheckGracePeriodSeconds),
  };
}

/** The CreateService input the form sends (and shows). */
export function toCreateServiceInput(cluster: string, v: ServiceForm): Json {
  const p = parts(v);
  return {
    cluster,
    serviceName: v.serviceName,
    taskDefinition: p.taskDefinition,
    schedulingStrategy: v.schedulingStrategy,
    ...(v.schedulingStrategy === 'REPLICA' && { desiredCount: Number(v.desiredCount) }),
    ...(v.compute === 'launchType'
      ? { launchType: v.launchType }
      : { capacityProviderStrategy: p.capacityProviderStrategy }),
    deploymentConfiguration: p.deploymentConfiguration,
    ...(p.networkConfiguration && { networkConfiguration: p.networkConfiguration }),
    ...(p.loadBalancers.length > 0 && { loadBalancers: p.loadBalancers }),
    ...(p.placementStrategy.length > 0 && { placementStrategy: p.placementStrategy }),
    ...(p.placementConstraints.length > 0 && { placementConstraints: p.placementConstraints }),
    ...(p.healthCheckGracePeriodSeconds !== undefined && {
      healthCheckGracePeriodSeconds: p.healthCheckGracePeriodSeconds,
    }),
    ...(v.tags.length > 0 && { tags: v.tags.map((t) => ({ key: t.key, value: t.value })) }),
  };
}

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));

/**
 * UpdateService carrying only what differs between the service as it is (`before`) and the form
 * (`after`), and those differences in words. Empty when nothing changed and no new deployment is forced.
 */
export function toUpdateServiceInput(
  cluster: string,
  service: string,
  before: ServiceForm,
  after: ServiceForm,
): { input: Json; changes: FieldChange[] } {
  const a = parts(before);
  const b = parts(after);
  const input: Json = { cluster, service };
  const changes: FieldChange[] = [];
  const compare = (field: string, x: unknown, y: unknown, send: unknown = y) => {
    if (JSON.stringify(x) === JSON.stringify(y)) return;
    input[field] = send;
    changes.push({ field, before: show(x), after: show(y) });
  };
  if (after.schedulingStrategy === 'REPLICA')
    compare('desiredCount', Number(before.desiredCount), Number(after.desiredCount));
  compare('taskDefinition', a.taskDefinition, b.taskDefinition);
  if (after.compute === 'capacityProviders' || before.compute === 'capacityProviders')
    compare(
      'capacityProviderStrategy',
      a.capacityProviderStrategy,
      after.compute === 'capacityProviders' ? b.capacityProviderStrategy : [],
    );
  compare('deploymentConfiguration', a.deploymentConfiguration, b.deploymentConfiguration);
  compare('networkConfiguration', a.networkConfiguration, b.networkConfiguration);
  compare('loadBalancers', a.loadBalancers, b.loadBalancers);
  compare('placementStrategy', a.placementStrategy, b.placementStrategy);
  compare('placementConstraints', a.placementConstraints, b.placementConstraints);
  compare('healthCheckGracePeriodSeconds', a.healthCheckGracePeriodSeconds, b.healthCheckGracePeriodSeconds);
  if (after.forceNewDeployment) {
    input['forceNewDeployment'] = true;
    changes.push({ field: 'forceNewDeployment', before: '—', after: 'true' });
  }
  return { input, changes };
}

/** Form values from the URL, for links that open the update form with a change (the stuck hint's fixes). */
export function applyUrlChanges(v: ServiceForm, params: URLSearchParams): ServiceForm {
  const next = { ...v };
  const min = params.get('minimumHealthyPercent');
  if (min !== null && /^\d+$/.test(min)) next.minimumHealthyPercent = min;
  const max = params.get('maximumPercent');
  if (max !== null && /^\d+$/.test(max)) next.maximumPercent = max;
  const desired = params.get('desiredCount');
  if (desired !== null && /^\d+$/.test(desired)) next.desiredCount = desired;
  const td = params.get('taskDefinition');
  if (td) {
    next.family = familyOf(td);
    next.revision = text(revisionOf(td));
  }
  return next;
}
