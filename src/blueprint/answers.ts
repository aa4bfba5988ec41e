/**
 * The first-run wizard's answers: one zod schema shared by the console's form, the launch, the CLI and tests.
 *
 * Every step schema takes the WHOLE answers object (so one react-hook-form can hold all four steps and
 * `zodResolver(stepSchema)` maps issues to absolute field paths such as `taskDefinition.containers.0.memory`),
 * and validates only what that step (and the steps before it) owns:
 *   taskDefinitionStepSchema  { taskDefinition }
 *   serviceStepSchema         { taskDefinition, service }            (load balancer vs port mappings)
 *   clusterStepSchema         { taskDefinition, service, cluster }   (desired count vs instances, memory/CPU fit)
 *   wizardAnswersSchema       everything (= clusterStepSchema)
 * Rules and messages follow the ECS API (shared/reference/ecs-console-research.md §1.2, §3).
 */
import { z } from 'zod';
import {
  RESERVED_HOST_PORTS,
  registeredMemoryMiB,
  STANDALONE_LOG_DRIVERS,
} from '../facts/container-instance';
import { FARGATE_CPU_UNITS, FARGATE_TASK_SIZES, fargateMemoryChoices } from '../facts/fargate-sizes';
import { INSTANCE_TYPES, WIZARD_INSTANCE_TYPES } from '../facts/instance-types';

/** Instance types offered by the wizard, with their vCPU count and memory (MiB) from the one table. */
export const instanceTypes = WIZARD_INSTANCE_TYPES.map((name) => ({
  name,
  vcpu: INSTANCE_TYPES[name].vcpus,
  memoryMiB: INSTANCE_TYPES[name].memoryMiB,
}));

export type InstanceTypeName = (typeof WIZARD_INSTANCE_TYPES)[number];

/** Keeps the generated template under CloudFormation's 51,200-byte TemplateBody limit. */
export const MAX_INGRESS_RULES = 20;

export const logDrivers = STANDALONE_LOG_DRIVERS;

const NAME_RE = /^[A-Za-z0-9_-]{1,255}$/;
const IMAGE_RE = /^[A-Za-z0-9_\-:./#]{1,255}$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function resourceName(what: string) {
  return z
    .string()
    .min(1, `Enter a ${what}.`)
    .max(255, `The ${what} can have at most 255 characters.`)
    .regex(NAME_RE, `The ${what} can contain only letters, numbers, hyphens and underscores.`);
}

function integer(what: string, min: number, max: number, unit = '') {
  return z
    .number({ error: `Enter a number for ${what}.` })
    .int(`${capitalize(what)} must be a whole number.`)
    .min(min, `${capitalize(what)} must be at least ${min}${unit}.`)
    .max(max, `${capitalize(what)} must be at most ${max}${unit}.`);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `a.b.c.d/n` with each octet 0-255 and n 0-32. */
export function isValidIpv4Cidr(value: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  return octets.every((o) => o <= 255) && prefix <= 32;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const listsOf = (v: unknown, keys: string[]) => isRecord(v) && keys.every((k) => Array.isArray(v[k]));
const containersShaped = (td: unknown) =>
  isRecord(td) &&
  Array.isArray(td['containers']) &&
  td['containers'].every((c) => listsOf(c, ['portMappings', 'environment', 'links']));

/**
 * Cross-field checks run even when another field failed its type (an emptied number input is NaN, which
 * otherwise skips every refinement above it), so the form shows all its errors at once, never in rounds;
 * only the lists they walk must be lists.
 */
const checkContainer = { when: (p: { value: unknown }) => listsOf(p.value, ['portMappings', 'environment']) };
const checkTaskDefinition = { when: (p: { value: unknown }) => containersShaped(p.value) };
const checkAnswers = {
  when: (p: { value: unknown }) =>
    isRecord(p.value) &&
    containersShaped(p.value['taskDefinition']) &&
    isRecord(p.value['service']) &&
    (p.value['cluster'] === undefined || listsOf(p.value['cluster'], ['ingress'])),
};

export const portMappingSchema = z.object({
  containerPort: integer('the container port', 1, 65535),
  /** 0 = a dynamic host port chosen by the instance. */
  hostPort: integer('the host port', 0, 65535).refine((p) => !RESERVED_HOST_PORTS.includes(p), {
    error: `This host port is reserved on container instances (${RESERVED_HOST_PORTS.join(', ')}). Choose another port.`,
  }),
  protocol: z.enum(['tcp', 'udp'], { error: 'Choose tcp or udp.' }),
});

export const environmentVariableSchema = z.object({
  name: z
    .string()
    .min(1, 'Enter a variable name.')
    .regex(
      ENV_NAME_RE,
      'A variable name starts with a letter or underscore and has only letters, numbers, underscores.',
    ),
  value: z.string(),
});

export const logConfigurationSchema = z.object({
  logDriver: z.enum(logDrivers, { error: `Choose a log driver: ${logDrivers.join(', ')}.` }),
  options: z.record(z.string(), z.string()),
});

export const containerSchema = z
  .object({
    name: resourceName('container name'),
    image: z
      .string()
      .min(1, 'Enter an image, for example httpd:2.4.')
      .max(255, 'The image can have at most 255 characters.')
      .regex(
        IMAGE_RE,
        'The image can contain only letters, numbers, hyphens, underscores, colons, periods, forward slashes and number signs.',
      ),
    /** Hard limit in MiB. */
    memory: integer('the memory hard limit', 6, 1_000_000, ' MiB').optional(),
    /** Soft limit in MiB. */
    memoryReservation: integer('the memory soft limit', 6, 1_000_000, ' MiB').optional(),
    cpu: integer('CPU units', 0, 10240),
    essential: z.boolean(),
    portMappings: z.array(portMappingSchema).max(100, 'A container can have at most 100 port mappings.'),
    command: z.array(z.string()).optional(),
    entryPoint: z.array(z.string()).optional(),
    environment: z.array(environmentVariableSchema),
    /** Other containers of this task, as `name` or `name:alias`. */
    links: z.array(z.string()),
    logConfiguration: logConfigurationSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.memory === undefined && c.memoryReservation === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['memory'],
        message: 'Set a memory hard limit, a soft limit, or both: a task on EC2 needs memory.',
      });
    }
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memory <= c.memoryReservation) {
      ctx.addIssue({
        code: 'custom',
        path: ['memory'],
        message: `The memory hard limit (${c.memory} MiB) must be greater than the soft limit (${c.memoryReservation} MiB).`,
      });
    }
    const seen = new Set<string>();
    c.portMappings.forEach((pm, i) => {
      if (pm.hostPort === 0) return;
      const key = `${pm.hostPort}/${pm.protocol}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['portMappings', i, 'hostPort'],
          message: `Host port ${pm.hostPort}/${pm.protocol} is already mapped in this container.`,
        });
      }
      seen.add(key);
    });
    const log = c.logConfiguration;
    if (log?.logDriver === 'awslogs') {
      for (const option of ['awslogs-group', 'awslogs-region']) {
        if (!log.options[option]) {
          ctx.addIssue({
            code: 'custom',
            path: ['logConfiguration', 'options'],
            message: `The awslogs driver needs the ${option} option.`,
          });
        }
      }
    }
    c.environment.forEach((env, i) => {
      if (c.environment.findIndex((e) => e.name === env.name) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['environment', i, 'name'],
          message: `The variable ${env.name} is already defined.`,
        });
      }
    });
  }, checkContainer);

export const taskDefinitionSchema = z
  .object({
    family: resourceName('task definition name'),
    containers: z
      .array(containerSchema)
      .min(1, 'Add at least one container.')
      .max(10, 'A task can have at most 10 containers.'),
  })
  .superRefine((td, ctx) => {
    const names = td.containers.map((c) => c.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['containers', i, 'name'],
          message: `Another container is already named ${name}. Container names must be unique in a task.`,
        });
      }
    });
    td.containers.forEach((c, i) => {
      c.links.forEach((link, j) => {
        const target = link.split(':')[0] ?? '';
        if (target === c.name) {
          ctx.addIssue({
            code: 'custom',
            path: ['containers', i, 'links', j],
            message: 'A container cannot link to itself.',
          });
        } else if (!names.includes(target)) {
          ctx.addIssue({
            code: 'custom',
            path: ['containers', i, 'links', j],
            message: `There is no container named ${target || '(empty)'} in this task to link to.`,
          });
        }
      });
    });
    if (td.containers.length > 0 && !td.containers.some((c) => c.essential)) {
      ctx.addIssue({
        code: 'custom',
        path: ['containers', 0, 'essential'],
        message: 'A task needs at least one essential container.',
      });
    }
    const hostPorts = new Map<string, string>();
    td.containers.forEach((c, i) => {
      const own = new Set<string>();
      c.portMappings.forEach((pm, j) => {
        if (pm.hostPort === 0) return;
        const key = `${pm.hostPort}/${pm.protocol}`;
        const other = hostPorts.get(key);
        if (other !== undefined && other !== c.name && !own.has(key)) {
          ctx.addIssue({
            code: 'custom',
            path: ['containers', i, 'portMappings', j, 'hostPort'],
            message: `Host port ${pm.hostPort}/${pm.protocol} is already used by container ${other}.`,
          });
        }
        own.add(key);
        hostPorts.set(key, c.name);
      });
    });
  }, checkTaskDefinition);

export const loadBalancerSchema = z.object({
  containerName: resourceName('container name'),
  containerPort: integer('the container port', 1, 65535),
  listenerPort: integer('the listener port', 1, 65535),
  healthCheckPath: z
    .string()
    .min(1, 'Enter a health check path, for example /.')
    .max(1024, 'The health check path can have at most 1024 characters.')
    .regex(/^\/[A-Za-z0-9_\-.~/%?=&]*$/, 'The health check path starts with / and has no spaces or quotes.'),
});

export const autoScalingSchema = z.object({
  minTasks: integer('the minimum number of tasks', 0, 1000),
  maxTasks: integer('the maximum number of tasks', 1, 1000),
  /** The service's average CPU utilization (%) the policy keeps. */
  targetCpu: integer('the target CPU utilization', 1, 100, '%'),
});

export const serviceSchema = z
  .object({
    name: resourceName('service name'),
    desiredCount: integer('the desired number of tasks', 0, 1000),
    minimumHealthyPercent: integer('the minimum healthy percent', 0, 100),
    maximumPercent: integer('the maximum percent', 100, 200),
    /**
     * The deployment circuit breaker: off, or on (a deployment whose tasks keep failing is FAILED),
     * optionally rolling back to the last completed deployment. Absent means off.
     */
    circuitBreaker: z
      .enum(['off', 'fail', 'rollback'], { error: 'Choose off, fail, or fail and roll back.' })
      .optional(),
    loadBalancer: loadBalancerSchema.optional(),
    /** Service auto scaling: a target-tracking policy on the service's average CPU. Absent: none. */
    autoScaling: autoScalingSchema.optional(),
  })
  .superRefine(
    (s, ctx) => {
      const as = s.autoScaling;
      if (isRecord(as) && Number.isInteger(as.minTasks) && Number.isInteger(as.maxTasks)) {
        if (as.minTasks > as.maxTasks) {
          ctx.addIssue({
            code: 'custom',
            path: ['autoScaling', 'maxTasks'],
            message: `The maximum (${as.maxTasks}) must be at least the minimum (${as.minTasks}).`,
          });
        } else if (
          Number.isInteger(s.desiredCount) &&
          (s.desiredCount < as.minTasks || s.desiredCount > as.maxTasks)
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['autoScaling', 'minTasks'],
            message: `The desired number of tasks (${s.desiredCount}) must be between the minimum and the maximum.`,
          });
        }
      }
      if (s.desiredCount > 0 && s.minimumHealthyPercent === 100 && s.maximumPercent === 100) {
        ctx.addIssue({
          code: 'custom',
          path: ['maximumPercent'],
          message:
            'With a minimum of 100% and a maximum of 100%, a deployment can neither start nor stop a task. Raise the maximum or lower the minimum.',
        });
      }
    },
    { when: (p) => isRecord(p.value) },
  );

export const instanceRoleSchema = z.discriminatedUnion('kind', [
  /** Use an existing instance profile, e.g. ecsInstanceRole. */
  z.object({
    kind: z.literal('existing'),
    name: z
      .string()
      .min(1, 'Choose an instance role.')
      .max(128, 'An instance profile name has at most 128 characters.')
      .regex(/^[\w+=,.@-]+$/, 'An instance profile name has only letters, numbers and +=,.@_- characters.'),
  }),
  /** The stack creates a role with AmazonEC2ContainerServiceforEC2Role and an instance profile. */
  z.object({ kind: z.literal('create') }),
]);

export const ingressRuleSchema = z.object({
  port: integer('the port', 1, 65535),
  cidr: z.string().refine(isValidIpv4Cidr, {
    error: 'Enter a source in CIDR notation, for example 0.0.0.0/0 (anywhere) or 203.0.113.0/24.',
  }),
});

/** A comma-separated id list as the network pickers keep it. */
export function idList(value: string): string[] {
  return value
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
}

function idListSchema(noun: string, re: RegExp, example: string, min: number, max: number) {
  return z.string().superRefine((value, ctx) => {
    const ids = idList(value);
    if (ids.length < min) ctx.addIssue({ code: 'custom', message: `Choose at least ${min} ${noun}.` });
    if (ids.length > max) ctx.addIssue({ code: 'custom', message: `Choose at most ${max} ${noun}s.` });
    const bad = ids.find((id) => !re.test(id));
    if (bad !== undefined)
      ctx.addIssue({ code: 'custom', message: `${bad} is not a ${noun} id (for example ${example}).` });
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: 'custom', message: `A ${noun} is listed twice.` });
  });
}

/** Fargate: the task's network (awsvpc) and its task-level size, in Fargate's sizes. */
export const fargateSchema = z
  .object({
    /** Comma-separated subnet ids (1-16, one VPC). */
    subnets: idListSchema('subnet', /^subnet-[0-9a-f]{8,17}$/, 'subnet-0123456789abcdef0', 1, 16),
    /** Comma-separated security group ids (0-5); none: the VPC's default security group. */
    securityGroups: idListSchema('security group', /^sg-[0-9a-f]{8,17}$/, 'sg-0123456789abcdef0', 0, 5),
    assignPublicIp: z.enum(['ENABLED', 'DISABLED'], { error: 'Choose whether tasks get a public IP.' }),
    /**
     * The subnets' VPC (the network pickers' choice). The template needs it only for a load
     * balancer: its target group and security groups belong to a VPC.
     */
    vpc: z.string().max(64, 'A VPC id has at most 64 characters.').optional(),
    /** Task CPU units. */
    cpu: integer('the task CPU', 256, 16384, ' units').refine((cpu) => FARGATE_CPU_UNITS.includes(cpu), {
      error: `Fargate task CPU is one of ${FARGATE_CPU_UNITS.join(', ')} units.`,
    }),
    /** Task memory (MiB). */
    memory: integer('the task memory', 512, 122880, ' MiB'),
  })
  .superRefine(
    (f, ctx) => {
      const allowed = FARGATE_TASK_SIZES.get(f.cpu);
      if (allowed && Number.isInteger(f.memory) && !allowed.includes(f.memory)) {
        ctx.addIssue({
          code: 'custom',
          path: ['memory'],
          message: `With ${f.cpu} CPU units a Fargate task has ${fargateMemoryChoices(f.cpu)} MiB of memory.`,
        });
      }
    },
    { when: (p) => isRecord(p.value) },
  );

export const LAUNCH_TYPES = ['EC2', 'FARGATE'] as const;

export const clusterSchema = z.object({
  name: resourceName('cluster name'),
  /** Absent: EC2 (the 2015 wizard's cluster of instances). */
  launchType: z.enum(LAUNCH_TYPES, { error: 'Choose EC2 or Fargate.' }).optional(),
  /** Set when launchType is FARGATE. */
  fargate: fargateSchema.optional(),
  instanceType: z.enum(WIZARD_INSTANCE_TYPES, { error: 'Choose an instance type from the list.' }),
  instanceCount: integer('the number of instances', 1, 100),
  /** Empty or absent: no key pair (no SSH access). */
  keyName: z
    .string()
    .max(255, 'A key pair name has at most 255 characters.')
    .regex(/^[\x20-\x7e]*$/, 'A key pair name has only printable ASCII characters.')
    .optional(),
  ingress: z
    .array(ingressRuleSchema)
    .max(MAX_INGRESS_RULES, `The wizard takes at most ${MAX_INGRESS_RULES} inbound rules.`),
  instanceRole: instanceRoleSchema,
});

export type PortMapping = z.infer<typeof portMappingSchema>;
export type ContainerAnswers = z.infer<typeof containerSchema>;
export type TaskDefinitionAnswers = z.infer<typeof taskDefinitionSchema>;
export type LoadBalancerAnswers = z.infer<typeof loadBalancerSchema>;
export type ServiceAnswers = z.infer<typeof serviceSchema>;
export type AutoScalingAnswers = z.infer<typeof autoScalingSchema>;
export type ClusterAnswers = z.infer<typeof clusterSchema>;
export type InstanceRoleAnswers = z.infer<typeof instanceRoleSchema>;
export type FargateAnswers = z.infer<typeof fargateSchema>;

/** The Fargate answers when the cluster step chose Fargate, else undefined (EC2). */
export function fargateOf(answers: { cluster: ClusterAnswers }): FargateAnswers | undefined {
  return answers.cluster.launchType === 'FARGATE' ? answers.cluster.fargate : undefined;
}

type RefineCtx = z.RefinementCtx;

function checkLoadBalancer(td: TaskDefinitionAnswers, s: ServiceAnswers, ctx: RefineCtx): void {
  const lb = s.loadBalancer;
  if (!lb) return;
  const container = td.containers.find((c) => c.name === lb.containerName);
  if (!container) {
    ctx.addIssue({
      code: 'custom',
      path: ['service', 'loadBalancer', 'containerName'],
      message: `There is no container named ${lb.containerName} in the task definition.`,
    });
    return;
  }
  if (container.portMappings.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['service', 'loadBalancer', 'containerName'],
      message: `Container ${lb.containerName} has no port mapping. A load balancer needs a container with a port mapping.`,
    });
    return;
  }
  const pm = container.portMappings.find((p) => p.containerPort === lb.containerPort);
  if (!pm) {
    ctx.addIssue({
      code: 'custom',
      path: ['service', 'loadBalancer', 'containerPort'],
      message: `Container ${lb.containerName} does not map container port ${lb.containerPort}. Choose one of: ${container.portMappings.map((p) => p.containerPort).join(', ')}.`,
    });
  } else if (pm.protocol !== 'tcp') {
    ctx.addIssue({
      code: 'custom',
      path: ['service', 'loadBalancer', 'containerPort'],
      message: `An Application Load Balancer forwards TCP; port ${lb.containerPort} of ${lb.containerName} is mapped as ${pm.protocol}.`,
    });
  }
}

const serviceStepShape = z.object({ taskDefinition: taskDefinitionSchema, service: serviceSchema });

function checkFargate(a: WizardAnswers, ctx: RefineCtx): void {
  const f0 = a.cluster.fargate;
  if (a.service.loadBalancer && isRecord(f0)) {
    // An Application Load Balancer takes subnets in two Availability Zones or more, and its target
    // group and security groups belong to the subnets' VPC.
    if (idList(typeof f0.subnets === 'string' ? f0.subnets : '').length === 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['cluster', 'fargate', 'subnets'],
        message:
          'The load balancer needs subnets in at least two Availability Zones: choose 2 or more subnets, or turn the load balancer off in step 2.',
      });
    }
    if (typeof f0.vpc !== 'string' || !/^vpc-[0-9a-f]{8,17}$/.test(f0.vpc)) {
      ctx.addIssue({
        code: 'custom',
        path: ['cluster', 'fargate', 'subnets'],
        message: "Choose the subnets' VPC: the load balancer's target group belongs to it.",
      });
    }
  }
  a.taskDefinition.containers.forEach((c) =>
    c.portMappings.forEach((pm) => {
      if (pm.hostPort !== 0 && pm.hostPort !== pm.containerPort) {
        ctx.addIssue({
          code: 'custom',
          path: ['cluster', 'launchType'],
          message: `On Fargate (awsvpc) the host port is the container port: container ${c.name} maps ${pm.hostPort} to ${pm.containerPort}. Set the host port to ${pm.containerPort} or 0 in step 1.`,
        });
      }
    }),
  );
  const f = a.cluster.fargate;
  if (!isRecord(f)) {
    ctx.addIssue({ code: 'custom', path: ['cluster', 'fargate'], message: 'Set up the Fargate network.' });
    return;
  }
  const taskMemory = a.taskDefinition.containers.reduce(
    (sum, c) => sum + (c.memory ?? c.memoryReservation ?? 0),
    0,
  );
  if (Number.isInteger(f.memory) && taskMemory > f.memory) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'fargate', 'memory'],
      message: `The containers ask for ${taskMemory} MiB, more than the task's ${f.memory} MiB. Choose a larger task size.`,
    });
  }
  const taskCpu = a.taskDefinition.containers.reduce((sum, c) => sum + c.cpu, 0);
  if (Number.isInteger(f.cpu) && taskCpu > f.cpu) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'fargate', 'cpu'],
      message: `The containers ask for ${taskCpu} CPU units, more than the task's ${f.cpu}. Choose a larger task size.`,
    });
  }
}

function checkCluster(a: WizardAnswers, ctx: RefineCtx): void {
  if (a.cluster.launchType === 'FARGATE') {
    checkFargate(a, ctx);
    return;
  }
  const fixedPorts = a.taskDefinition.containers.flatMap((c) => c.portMappings.filter((p) => p.hostPort > 0));
  if (
    fixedPorts.length > 0 &&
    a.cluster.instanceCount >= 1 &&
    a.service.desiredCount > a.cluster.instanceCount
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'instanceCount'],
      message: `The task uses fixed host port ${fixedPorts[0]?.hostPort}, so each instance runs at most one task. You want ${a.service.desiredCount} tasks: you must specify at least that many instances.`,
    });
  }
  const type = instanceTypes.find((t) => t.name === a.cluster.instanceType);
  if (!type) return;
  const taskMemory = a.taskDefinition.containers.reduce(
    (sum, c) => sum + (c.memoryReservation ?? c.memory ?? 0),
    0,
  );
  const available = registeredMemoryMiB(type.memoryMiB);
  if (taskMemory > available) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'instanceType'],
      message: `The task needs ${taskMemory} MiB of memory but a ${type.name} offers ${available} MiB to tasks. Choose a larger instance type or lower the task's memory.`,
    });
  }
  const taskCpu = a.taskDefinition.containers.reduce((sum, c) => sum + c.cpu, 0);
  if (taskCpu > type.vcpu * 1024) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster', 'instanceType'],
      message: `The task needs ${taskCpu} CPU units but a ${type.name} has ${type.vcpu * 1024}. Choose a larger instance type or lower the task's CPU units.`,
    });
  }
  a.cluster.ingress.forEach((rule, i) => {
    if (a.cluster.ingress.findIndex((r) => r.port === rule.port && r.cidr === rule.cidr) !== i) {
      ctx.addIssue({
        code: 'custom',
        path: ['cluster', 'ingress', i, 'port'],
        message: `The rule for port ${rule.port} from ${rule.cidr} is listed twice.`,
      });
    }
  });
}

export const taskDefinitionStepSchema = z.object({ taskDefinition: taskDefinitionSchema });

export const serviceStepSchema = serviceStepShape.superRefine(
  (a, ctx) => checkLoadBalancer(a.taskDefinition, a.service, ctx),
  checkAnswers,
);

const answersShape = z.object({
  taskDefinition: taskDefinitionSchema,
  service: serviceSchema,
  cluster: clusterSchema,
});

export type WizardAnswers = z.infer<typeof answersShape>;

export const clusterStepSchema = answersShape.superRefine((a, ctx) => {
  checkLoadBalancer(a.taskDefinition, a.service, ctx);
  if (isRecord(a.cluster)) checkCluster(a, ctx);
}, checkAnswers);

/** The whole wizard: what the review step, the launch and `ecs-console blueprint` accept. */
export const wizardAnswersSchema = clusterStepSchema;

/** The original (2015) wizard's defaults. */
export const defaultAnswers: WizardAnswers = {
  taskDefinition: {
    family: 'console-sample-app-static',
    containers: [
      {
        name: 'simple-app',
        image: 'httpd:2.4',
        memory: 300,
        cpu: 10,
        essential: true,
        portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
        environment: [],
        links: [],
      },
    ],
  },
  service: {
    name: 'sample-webapp',
    desiredCount: 1,
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    circuitBreaker: 'off',
  },
  cluster: {
    name: 'default',
    instanceType: 't2.micro',
    instanceCount: 1,
    ingress: [{ port: 80, cidr: '0.0.0.0/0' }],
    instanceRole: { kind: 'existing', name: 'ecsInstanceRole' },
  },
};

/** What the cluster step fills in when the operator chooses Fargate: the smallest task size, a public IP. */
export const defaultFargate: FargateAnswers = {
  subnets: '',
  securityGroups: '',
  assignPublicIp: 'ENABLED',
  cpu: 256,
  memory: 512,
};

/** What the service step proposes when the operator ticks "auto scaling". */
export function defaultAutoScaling(desiredCount: number): AutoScalingAnswers {
  const base = Number.isInteger(desiredCount) && desiredCount >= 0 ? desiredCount : 1;
  return { minTasks: Math.min(base, 1), maxTasks: Math.max(base, 1) * 4, targetCpu: 50 };
}

/** The load balancer the wizard proposes when the operator ticks "use a load balancer". */
export function defaultLoadBalancer(td: TaskDefinitionAnswers): LoadBalancerAnswers | undefined {
  for (const c of td.containers) {
    const pm = c.portMappings.find((p) => p.protocol === 'tcp');
    if (pm)
      return {
        containerName: c.name,
        containerPort: pm.containerPort,
        listenerPort: 80,
        healthCheckPath: '/',
      };
  }
  return undefined;
}
