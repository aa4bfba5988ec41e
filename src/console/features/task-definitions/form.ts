/**
 * The task definition form: its values (strings, as the inputs hold them), their validation, and the
 * pure mapping to the RegisterTaskDefinition input it sends, and back from a registered revision (for
 * "create a new revision"). Fields the form does not edit (volumes, ulimits...) are kept as they were.
 */
import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { intText, numberOrUndefined, optionalIntText, tagRowSchema } from '../../lib/form-values';

const NAME_RE = /^[A-Za-z0-9_-]{1,255}$/;
const ENV_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

const portSchema = z.object({
  containerPort: intText('the container port', 1, 65535),
  hostPort: optionalIntText('the host port', 0, 65535),
  protocol: z.enum(['tcp', 'udp']),
});

const containerSchema = z
  .object({
    name: z.string().regex(NAME_RE, 'A container name has 1-255 letters, digits, hyphens or underscores.'),
    image: z.string().trim().min(1, 'Enter an image, for example httpd:2.4.').max(255),
    memory: optionalIntText('the memory hard limit (MiB)', 6, 1_000_000),
    memoryReservation: optionalIntText('the memory soft limit (MiB)', 6, 1_000_000),
    cpu: optionalIntText('CPU units', 0, 10_240),
    essential: z.boolean(),
    portMappings: z.array(portSchema).max(100),
    environment: z.array(
      z.object({
        name: z
          .string()
          .regex(ENV_RE, 'A variable name starts with a letter or _ and has letters, digits, _.'),
        value: z.string(),
      }),
    ),
    command: z.string(),
    links: z.string(),
    healthCheck: z.object({
      enabled: z.boolean(),
      command: z.string(),
      interval: optionalIntText('the interval (s)', 5, 300),
      timeout: optionalIntText('the timeout (s)', 2, 120),
      retries: optionalIntText('the retries', 1, 10),
      startPeriod: optionalIntText('the start period (s)', 0, 300),
    }),
    logs: z.object({
      enabled: z.boolean(),
      group: z.string(),
      region: z.string(),
      streamPrefix: z.string(),
    }),
    /** Container fields the form does not show, kept from the revision it started from. */
    extra: z.record(z.string(), z.unknown()),
  })
  .superRefine((c, ctx) => {
    if (c.healthCheck.enabled && c.healthCheck.command.trim() === '')
      ctx.addIssue({
        code: 'custom',
        path: ['healthCheck', 'command'],
        message: 'Enter the health check command.',
      });
    if (c.logs.enabled && c.logs.group.trim() === '')
      ctx.addIssue({ code: 'custom', path: ['logs', 'group'], message: 'Enter the log group.' });
    const mem = numberOrUndefined(c.memory);
    const soft = numberOrUndefined(c.memoryReservation);
    if (mem !== undefined && soft !== undefined && mem <= soft)
      ctx.addIssue({
        code: 'custom',
        path: ['memory'],
        message: `The hard limit (${mem} MiB) must be greater than the soft limit (${soft} MiB).`,
      });
  });

export const taskDefinitionFormSchema = z
  .object({
    family: z.string().regex(NAME_RE, 'A family has 1-255 letters, digits, hyphens or underscores.'),
    networkMode: z.enum(['', 'bridge', 'host', 'awsvpc', 'none']),
    ec2: z.boolean(),
    fargate: z.boolean(),
    cpu: z.string(),
    memory: z.string(),
    executionRoleArn: z.string(),
    taskRoleArn: z.string(),
    containers: z.array(containerSchema).min(1, 'Add at least one container.').max(10),
    tags: z.array(tagRowSchema).max(50),
    extra: z.record(z.string(), z.unknown()),
  })
  .superRefine((v, ctx) => {
    // Every check at once, whatever else is wrong, so errors never show in rounds.
    const names = v.containers.map((c) => c.name);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i)
        ctx.addIssue({
          code: 'custom',
          path: ['containers', i, 'name'],
          message: `Another container is named ${n}.`,
        });
    });
    if (!v.containers.some((c) => c.essential))
      ctx.addIssue({
        code: 'custom',
        path: ['containers', 0, 'essential'],
        message: 'At least one container must be essential.',
      });
    const needsTaskSize = v.fargate;
    if (needsTaskSize && (v.cpu.trim() === '' || v.memory.trim() === ''))
      ctx.addIssue({ code: 'custom', path: ['cpu'], message: 'Fargate needs the task CPU and memory.' });
    if (v.fargate && v.networkMode !== 'awsvpc')
      ctx.addIssue({
        code: 'custom',
        path: ['networkMode'],
        message: 'Fargate needs the awsvpc network mode.',
      });
    v.containers.forEach((c, i) => {
      if (c.memory.trim() === '' && c.memoryReservation.trim() === '' && v.memory.trim() === '')
        ctx.addIssue({
          code: 'custom',
          path: ['containers', i, 'memory'],
          message: 'Set a memory hard or soft limit, or the task memory.',
        });
    });
  });

export type TaskDefinitionForm = z.infer<typeof taskDefinitionFormSchema>;
export type ContainerForm = TaskDefinitionForm['containers'][number];

export function newContainer(family: string, region: string, index = 0): ContainerForm {
  return {
    name: index === 0 ? 'web' : `container-${index + 1}`,
    image: index === 0 ? 'httpd:2.4' : '',
    memory: '256',
    memoryReservation: '',
    cpu: '128',
    essential: index === 0,
    portMappings: index === 0 ? [{ containerPort: '80', hostPort: '0', protocol: 'tcp' }] : [],
    environment: [],
    command: '',
    links: '',
    healthCheck: { enabled: false, command: '', interval: '', timeout: '', retries: '', startPeriod: '' },
    // awslogs on by default, as the AWS console does.
    logs: { enabled: true, group: `/ecs/${family || 'task'}`, region, streamPrefix: 'ecs' },
    extra: {},
  };
}

export function emptyTaskDefinitionForm(region: string, family = ''): TaskDefinitionForm {
  return {
    family,
    networkMode: 'bridge',
    ec2: true,
    fargate: false,
    cpu: '',
    memory: '',
    executionRoleArn: '',
    taskRoleArn: '',
    containers: [newContainer(family, region)],
    tags: [],
    extra: {},
  };
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

type Json = Record<string, unknown>;

function containerInput(c: ContainerForm): Json {
  const num = numberOrUndefined;
  const hc = c.healthCheck;
  const out: Json = {
    ...c.extra,
    name: c.name,
    image: c.image.trim(),
    essential: c.essential,
  };
  for (const [key, value] of [
    ['cpu', num(c.cpu)],
    ['memory', num(c.memory)],
    ['memoryReservation', num(c.memoryReservation)],
  ] as const) {
    if (value !== undefined) out[key] = value;
    else delete out[key];
  }
  out['portMappings'] = c.portMappings.map((p) => ({
    containerPort: Number(p.containerPort),
    ...(p.hostPort.trim() !== '' && { hostPort: Number(p.hostPort) }),
    protocol: p.protocol,
  }));
  if (c.environment.length) out['environment'] = c.environment.map((e) => ({ name: e.name, value: e.value }));
  else delete out['environment'];
  const command = lines(c.command);
  if (command.length) out['command'] = command;
  else delete out['command'];
  const links = c.links
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  if (links.length) out['links'] = links;
  else delete out['links'];
  if (hc.enabled) {
    out['healthCheck'] = {
      command: lines(hc.command),
      ...(num(hc.interval) !== undefined && { interval: num(hc.interval) }),
      ...(num(hc.timeout) !== undefined && { timeout: num(hc.timeout) }),
      ...(num(hc.retries) !== undefined && { retries: num(hc.retries) }),
      ...(num(hc.startPeriod) !== undefined && { startPeriod: num(hc.startPeriod) }),
    };
  } else delete out['healthCheck'];
  if (c.logs.enabled) {
    out['logConfiguration'] = {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': c.logs.group.trim(),
        'awslogs-region': c.logs.region.trim(),
        'awslogs-stream-prefix': c.logs.streamPrefix.trim() || 'ecs',
        'awslogs-create-group': 'true',
      },
    };
  } else if ((out['logConfiguration'] as { logDriver?: string } | undefined)?.logDriver === 'awslogs') {
    delete out['logConfiguration'];
  }
  return out;
}

/** The RegisterTaskDefinition input the form sends (and shows). */
export function toRegisterInput(v: TaskDefinitionForm): Json {
  const compat = [...(v.ec2 ? ['EC2'] : []), ...(v.fargate ? ['FARGATE'] : [])];
  const out: Json = { ...v.extra, family: v.family, containerDefinitions: v.containers.map(containerInput) };
  const set = (key: string, value: unknown) => {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) delete out[key];
    else out[key] = value;
  };
  set('networkMode', v.networkMode);
  set('requiresCompatibilities', compat);
  set('cpu', v.cpu.trim());
  set('memory', v.memory.trim());
  set('executionRoleArn', v.executionRoleArn.trim());
  set('taskRoleArn', v.taskRoleArn.trim());
  set(
    'tags',
    v.tags.map((t) => ({ key: t.key, value: t.value })),
  );
  return out;
}

/** Fields ECS sets on a registered revision; RegisterTaskDefinition refuses or ignores them. */
const READ_ONLY = new Set([
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
]);
const FORM_TOP = new Set([
  'family',
  'networkMode',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'executionRoleArn',
  'taskRoleArn',
  'containerDefinitions',
  'tags',
]);
const FORM_CONTAINER = new Set([
  'name',
  'image',
  'cpu',
  'memory',
  'memoryReservation',
  'essential',
  'portMappings',
  'environment',
  'command',
  'links',
  'healthCheck',
]);

const text = (n: number | undefined) => (n === undefined ? '' : String(n));

function containerForm(c: ContainerDefinition, region: string, family: string): ContainerForm {
  const extra: Json = {};
  for (const [k, v] of Object.entries(c)) if (!FORM_CONTAINER.has(k) && v !== undefined) extra[k] = v;
  const awslogs = c.logConfiguration?.logDriver === 'awslogs' ? c.logConfiguration.options : undefined;
  if (awslogs) delete extra['logConfiguration'];
  const hc = c.healthCheck;
  return {
    name: c.name ?? '',
    image: c.image ?? '',
    memory: text(c.memory),
    memoryReservation: text(c.memoryReservation),
    cpu: text(c.cpu),
    essential: c.essential ?? true,
    portMappings: (c.portMappings ?? []).map((p) => ({
      containerPort: text(p.containerPort),
      hostPort: text(p.hostPort),
      protocol: p.protocol === 'udp' ? 'udp' : 'tcp',
    })),
    environment: (c.environment ?? []).map((e) => ({ name: e.name ?? '', value: e.value ?? '' })),
    command: (c.command ?? []).join('\n'),
    links: (c.links ?? []).join(', '),
    healthCheck: {
      enabled: Boolean(hc),
      command: (hc?.command ?? []).join('\n'),
      interval: text(hc?.interval),
      timeout: text(hc?.timeout),
      retries: text(hc?.retries),
      startPeriod: text(hc?.startPeriod),
    },
    logs: awslogs
      ? {
          enabled: true,
          group: awslogs['awslogs-group'] ?? '',
          region: awslogs['awslogs-region'] ?? region,
          streamPrefix: awslogs['awslogs-stream-prefix'] ?? '',
        }
      : { enabled: false, group: `/ecs/${family}`, region, streamPrefix: 'ecs' },
    extra,
  };
}

/** A registered revision as form values, to register the next revision from it. */
export function formFromTaskDefinition(
  td: TaskDefinition,
  tags: Array<{ key?: string; value?: string }>,
  region: string,
): TaskDefinitionForm {
  const extra: Json = {};
  for (const [k, v] of Object.entries(td))
    if (!FORM_TOP.has(k) && !READ_ONLY.has(k) && v !== undefined) extra[k] = v;
  const compat = td.requiresCompatibilities ?? [];
  const mode = td.networkMode ?? '';
  const family = td.family ?? '';
  return {
    family,
    networkMode: mode === 'bridge' || mode === 'host' || mode === 'awsvpc' || mode === 'none' ? mode : '',
    ec2: compat.length === 0 || compat.includes('EC2'),
    fargate: compat.includes('FARGATE'),
    cpu: td.cpu ?? '',
    memory: td.memory ?? '',
    executionRoleArn: td.executionRoleArn ?? '',
    taskRoleArn: td.taskRoleArn ?? '',
    containers: (td.containerDefinitions ?? []).map((c) => containerForm(c, region, family)),
    tags: tags.map((t) => ({ key: t.key ?? '', value: t.value ?? '' })),
    extra,
  };
}

/** Every fixed host port (hostPort > 0) replaced by a dynamic one: what lets tasks share an instance. */
export function withDynamicHostPorts(v: TaskDefinitionForm): TaskDefinitionForm {
  return {
    ...v,
    containers: v.containers.map((c) => ({
      ...c,
      portMappings: c.portMappings.map((p) => ({
        ...p,
        hostPort: v.networkMode === 'awsvpc' ? p.hostPort : '0',
      })),
    })),
  };
}
