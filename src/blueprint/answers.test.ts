import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  clusterStepSchema,
  defaultAnswers,
  defaultFargate,
  defaultLoadBalancer,
  instanceTypes,
  isValidIpv4Cidr,
  serviceStepSchema,
  taskDefinitionStepSchema,
  wizardAnswersSchema,
  type ContainerAnswers,
  type WizardAnswers,
} from './answers';

function answers(edit: (a: WizardAnswers) => void = () => {}): WizardAnswers {
  const a = structuredClone(defaultAnswers);
  edit(a);
  return a;
}

function container(over: Partial<ContainerAnswers> = {}): ContainerAnswers {
  return {
    name: 'side',
    image: 'busybox',
    memory: 64,
    cpu: 0,
    essential: false,
    portMappings: [],
    environment: [],
    links: [],
    ...over,
  };
}

/** The issues of the full schema as `path: message` lines. */
function issues(a: unknown, schema: z.ZodType = wizardAnswersSchema) {
  const r = schema.safeParse(a);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const c0 = (a: WizardAnswers): ContainerAnswers => {
  const c = a.taskDefinition.containers[0];
  if (!c) throw new Error('no container');
  return c;
};

/** [rule, a failing edit, the path it must be reported at, a passing edit] */
const rules: [string, (a: WizardAnswers) => void, string, (a: WizardAnswers) => void][] = [
  [
    'family name pattern',
    (a) => (a.taskDefinition.family = 'bad name!'),
    'taskDefinition.family',
    (a) => (a.taskDefinition.family = 'Good_name-1'),
  ],
  [
    'family length',
    (a) => (a.taskDefinition.family = 'x'.repeat(256)),
    'taskDefinition.family',
    (a) => (a.taskDefinition.family = 'x'.repeat(255)),
  ],
  [
    'empty family',
    (a) => (a.taskDefinition.family = ''),
    'taskDefinition.family',
    (a) => (a.taskDefinition.family = 'f'),
  ],
  [
    'container name pattern',
    (a) => (c0(a).name = 'simple app'),
    'taskDefinition.containers.0.name',
    (a) => (c0(a).name = 'simple_app'),
  ],
  [
    'image characters',
    (a) => (c0(a).image = 'httpd:2.4 latest'),
    'taskDefinition.containers.0.image',
    (a) => (c0(a).image = 'public.ecr.aws/docker/library/httpd:2.4#x'),
  ],
  [
    'image length',
    (a) => (c0(a).image = 'a'.repeat(256)),
    'taskDefinition.containers.0.image',
    (a) => (c0(a).image = 'a'.repeat(255)),
  ],
  [
    'memory minimum',
    (a) => (c0(a).memory = 5),
    'taskDefinition.containers.0.memory',
    (a) => (c0(a).memory = 6),
  ],
  [
    'memory above reservation',
    (a) => Object.assign(c0(a), { memory: 128, memoryReservation: 128 }),
    'taskDefinition.containers.0.memory',
    (a) => Object.assign(c0(a), { memory: 129, memoryReservation: 128 }),
  ],
  [
    'memory or reservation required',
    (a) => Object.assign(c0(a), { memory: undefined, memoryReservation: undefined }),
    'taskDefinition.containers.0.memory',
    (a) => Object.assign(c0(a), { memory: undefined, memoryReservation: 128 }),
  ],
  ['cpu range', (a) => (c0(a).cpu = 10241), 'taskDefinition.containers.0.cpu', (a) => (c0(a).cpu = 0)],
  ['cpu integer', (a) => (c0(a).cpu = 1.5), 'taskDefinition.containers.0.cpu', (a) => (c0(a).cpu = 2)],
  [
    'container port range',
    (a) => (c0(a).portMappings = [{ containerPort: 65536, hostPort: 80, protocol: 'tcp' }]),
    'taskDefinition.containers.0.portMappings.0.containerPort',
    (a) => (c0(a).portMappings = [{ containerPort: 65535, hostPort: 80, protocol: 'tcp' }]),
  ],
  [
    'reserved host port',
    (a) => (c0(a).portMappings = [{ containerPort: 80, hostPort: 51679, protocol: 'tcp' }]),
    'taskDefinition.containers.0.portMappings.0.hostPort',
    (a) => (c0(a).portMappings = [{ containerPort: 80, hostPort: 51681, protocol: 'tcp' }]),
  ],
  [
    'reserved host port 22',
    (a) => (c0(a).portMappings = [{ containerPort: 22, hostPort: 22, protocol: 'tcp' }]),
    'taskDefinition.containers.0.portMappings.0.hostPort',
    (a) => (c0(a).portMappings = [{ containerPort: 22, hostPort: 0, protocol: 'tcp' }]),
  ],
  [
    'duplicate host port in a container',
    (a) =>
      (c0(a).portMappings = [
        { containerPort: 80, hostPort: 8080, protocol: 'tcp' },
        { containerPort: 81, hostPort: 8080, protocol: 'tcp' },
      ]),
    'taskDefinition.containers.0.portMappings.1.hostPort',
    (a) =>
      (c0(a).portMappings = [
        { containerPort: 80, hostPort: 8080, protocol: 'tcp' },
        { containerPort: 81, hostPort: 8080, protocol: 'udp' },
      ]),
  ],
  [
    'host port used by another container',
    (a) =>
      a.taskDefinition.containers.push(
        container({ portMappings: [{ containerPort: 8, hostPort: 80, protocol: 'tcp' }] }),
      ),
    'taskDefinition.containers.1.portMappings.0.hostPort',
    (a) =>
      a.taskDefinition.containers.push(
        container({ portMappings: [{ containerPort: 8, hostPort: 81, protocol: 'tcp' }] }),
      ),
  ],
  [
    'unique container names',
    (a) => a.taskDefinition.containers.push(container({ name: 'simple-app' })),
    'taskDefinition.containers.1.name',
    (a) => a.taskDefinition.containers.push(container({ name: 'simple-app-2' })),
  ],
  [
    'links name an existing container',
    (a) => (c0(a).links = ['db:database']),
    'taskDefinition.containers.0.links.0',
    (a) => {
      a.taskDefinition.containers.push(container({ name: 'db' }));
      c0(a).links = ['db:database'];
    },
  ],
  [
    'no link to itself',
    (a) => (c0(a).links = ['simple-app']),
    'taskDefinition.containers.0.links.0',
    (a) => (c0(a).links = []),
  ],
  [
    'an essential container',
    (a) => (c0(a).essential = false),
    'taskDefinition.containers.0.essential',
    (a) => a.taskDefinition.containers.push(container({ essential: true })),
  ],
  [
    'at least one container',
    (a) => (a.taskDefinition.containers = []),
    'taskDefinition.containers',
    () => {},
  ],
  [
    'environment variable names',
    (a) => (c0(a).environment = [{ name: '1X', value: 'v' }]),
    'taskDefinition.containers.0.environment.0.name',
    (a) => (c0(a).environment = [{ name: '_X1', value: "it's $HOME" }]),
  ],
  [
    'unique environment variables',
    (a) =>
      (c0(a).environment = [
        { name: 'X', value: '1' },
        { name: 'X', value: '2' },
      ]),
    'taskDefinition.containers.0.environment.1.name',
    (a) =>
      (c0(a).environment = [
        { name: 'X', value: '1' },
        { name: 'Y', value: '2' },
      ]),
  ],
  [
    'awslogs needs a group and a region',
    (a) => (c0(a).logConfiguration = { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/app' } }),
    'taskDefinition.containers.0.logConfiguration.options',
    (a) =>
      (c0(a).logConfiguration = {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/app', 'awslogs-region': 'us-east-1' },
      }),
  ],
  [
    'service name pattern',
    (a) => (a.service.name = 'web/app'),
    'service.name',
    (a) => (a.service.name = 'web-app'),
  ],
  [
    'desired count not negative',
    (a) => (a.service.desiredCount = -1),
    'service.desiredCount',
    (a) => (a.service.desiredCount = 0),
  ],
  [
    'minimum healthy percent range',
    (a) => (a.service.minimumHealthyPercent = 101),
    'service.minimumHealthyPercent',
    (a) => (a.service.minimumHealthyPercent = 0),
  ],
  [
    'maximum percent range',
    (a) => (a.service.maximumPercent = 99),
    'service.maximumPercent',
    (a) => Object.assign(a.service, { minimumHealthyPercent: 50, maximumPercent: 100 }),
  ],
  [
    'deployment can make progress',
    (a) => Object.assign(a.service, { minimumHealthyPercent: 100, maximumPercent: 100 }),
    'service.maximumPercent',
    (a) => Object.assign(a.service, { minimumHealthyPercent: 50, maximumPercent: 100 }),
  ],
  [
    'load balancer container exists',
    (a) =>
      (a.service.loadBalancer = {
        containerName: 'nope',
        containerPort: 80,
        listenerPort: 80,
        healthCheckPath: '/',
      }),
    'service.loadBalancer.containerName',
    (a) =>
      (a.service.loadBalancer = {
        containerName: 'simple-app',
        containerPort: 80,
        listenerPort: 80,
        healthCheckPath: '/',
      }),
  ],
  [
    'load balancer container has a port mapping',
    (a) => {
      c0(a).portMappings = [];
      a.service.loadBalancer = {
        containerName: 'simple-app',
        containerPort: 80,
        listenerPort: 80,
        healthCheckPath: '/',
      };
    },
    'service.loadBalancer.containerName',
    (a) => (a.service.loadBalancer = undefined),
  ],
  [
    'load balancer container:port exists',
    (a) =>
      (a.service.loadBalancer = {
        containerName: 'simple-app',
        containerPort: 8080,
        listenerPort: 80,
        healthCheckPath: '/',
      }),
    'service.loadBalancer.containerPort',
    (a) =>
      (a.service.loadBalancer = {
        containerName: 'simple-app',
        containerPort: 80,
        listenerPort: 8080,
        healthCheckPath: '/',
      }),
  ],
  [
    'load balancer port is tcp',
    (a) => {
      c0(a).portMappings = [{ containerPort: 80, hostPort: 80, protocol: 'udp' }];
      a.service.loadBalancer = {
        containerName: 'simple-app',
        containerPort: 80,
        listenerPort: 80,
        healthCheckPath: '/',
      };
    },
    'service.loadBalancer.containerPort',
    (a) => (c0(a).portMappings = [{ containerPort: 80, hostPort: 80, protocol: 'udp' }]),
  ],
  [
    'health check path',
    (a) =>
      (a.service.loadBalancer = {
        containerName: 'simple-app',
        containerPort: 80,
        listenerPort: 80,
        healthCheckPath: 'health',
      }),
    'service.loadBalancer.healthCheckPath',
    (a) =>
      (a.service.loadBalancer = {
        containerName: 'simple-app',
        containerPort: 80,
        listenerPort: 80,
        healthCheckPath: '/health?x=1',
      }),
  ],
  [
    'desired count vs instances with a fixed host port',
    (a) => (a.service.desiredCount = 2),
    'cluster.instanceCount',
    (a) => Object.assign(a.service, { desiredCount: 2 }, (a.cluster.instanceCount = 2)),
  ],
  [
    'cluster name pattern',
    (a) => (a.cluster.name = 'my cluster'),
    'cluster.name',
    (a) => (a.cluster.name = 'my-cluster'),
  ],
  [
    'instance count minimum',
    (a) => (a.cluster.instanceCount = 0),
    'cluster.instanceCount',
    (a) => (a.cluster.instanceCount = 1),
  ],
  [
    'instance count maximum',
    (a) => (a.cluster.instanceCount = 101),
    'cluster.instanceCount',
    (a) => (a.cluster.instanceCount = 100),
  ],
  [
    'instance type from the list',
    (a) => ((a.cluster as { instanceType: string }).instanceType = 'x9.huge'),
    'cluster.instanceType',
    (a) => (a.cluster.instanceType = 'm5.large'),
  ],
  [
    'task memory fits the instance type',
    (a) => Object.assign(c0(a), { memory: 994 }),
    'cluster.instanceType',
    (a) => Object.assign(c0(a), { memory: 993 }),
  ],
  [
    'task CPU fits the instance type',
    (a) => Object.assign(c0(a), { cpu: 2048 }),
    'cluster.instanceType',
    (a) => Object.assign(c0(a), { cpu: 2048 }, (a.cluster.instanceType = 't2.medium')),
  ],
  [
    'ingress CIDR',
    (a) => (a.cluster.ingress = [{ port: 80, cidr: '10.0.0.256/8' }]),
    'cluster.ingress.0.cidr',
    (a) => (a.cluster.ingress = [{ port: 80, cidr: '10.0.0.0/8' }]),
  ],
  [
    'ingress port',
    (a) => (a.cluster.ingress = [{ port: 0, cidr: '0.0.0.0/0' }]),
    'cluster.ingress.0.port',
    (a) => (a.cluster.ingress = [{ port: 22, cidr: '0.0.0.0/0' }]),
  ],
  [
    'ingress rules not repeated',
    (a) =>
      (a.cluster.ingress = [
        { port: 80, cidr: '0.0.0.0/0' },
        { port: 80, cidr: '0.0.0.0/0' },
      ]),
    'cluster.ingress.1.port',
    (a) =>
      (a.cluster.ingress = [
        { port: 80, cidr: '0.0.0.0/0' },
        { port: 443, cidr: '0.0.0.0/0' },
      ]),
  ],
  [
    'at most MAX_INGRESS_RULES ingress rules',
    (a) =>
      (a.cluster.ingress = Array.from({ length: 21 }, (_, i) => ({ port: 1000 + i, cidr: '0.0.0.0/0' }))),
    'cluster.ingress',
    (a) =>
      (a.cluster.ingress = Array.from({ length: 20 }, (_, i) => ({ port: 1000 + i, cidr: '0.0.0.0/0' }))),
  ],
  [
    'instance role name',
    (a) => (a.cluster.instanceRole = { kind: 'existing', name: '' }),
    'cluster.instanceRole.name',
    (a) => (a.cluster.instanceRole = { kind: 'create' }),
  ],
];

describe('wizardAnswersSchema', () => {
  it('accepts the original wizard defaults', () => {
    expect(issues(defaultAnswers)).toEqual([]);
    expect(defaultAnswers.taskDefinition.family).toBe('console-sample-app-static');
    expect(defaultAnswers.cluster.instanceType).toBe('t2.micro');
  });

  it.each(rules)('%s: fails with a message at the field, passes when fixed', (_rule, fail, path, pass) => {
    const failing = issues(answers(fail));
    expect(
      failing.some((line) => line.startsWith(`${path}: `)),
      failing.join('\n'),
    ).toBe(true);
    for (const line of failing) expect(line).toMatch(/^[\w.]+: [A-Z].*\.$/); // a field path and a sentence
    expect(issues(answers(pass))).toEqual([]);
  });

  it('reports every problem at once, each at its own field', () => {
    const found = issues(
      answers((a) => {
        c0(a).memory = 3;
        c0(a).links = ['nope'];
        a.service.desiredCount = 3;
      }),
    );
    expect(found.map((l) => l.split(':')[0])).toEqual([
      'taskDefinition.containers.0.memory',
      'taskDefinition.containers.0.links.0',
      'cluster.instanceCount',
    ]);
    expect(found[2]).toContain('you must specify at least that many instances');
  });

  it('rejects what is not answers at all', () => {
    expect(issues(null)).toHaveLength(1);
    expect(issues({})).toEqual(expect.arrayContaining([expect.stringMatching(/^taskDefinition: /)]));
  });
});

describe('step schemas', () => {
  it('each step validates only its own and earlier steps', () => {
    const bad = answers((a) => {
      a.service.name = 'bad name';
      a.cluster.instanceCount = 0;
    });
    expect(issues(bad, taskDefinitionStepSchema)).toEqual([]);
    expect(issues(bad, serviceStepSchema).map((l) => l.split(':')[0])).toEqual(['service.name']);
    expect(issues(bad, clusterStepSchema).map((l) => l.split(':')[0])).toEqual([
      'service.name',
      'cluster.instanceCount',
    ]);
  });

  it('the service step checks the load balancer against the task definition', () => {
    const bad = answers(
      (a) =>
        (a.service.loadBalancer = {
          containerName: 'simple-app',
          containerPort: 81,
          listenerPort: 80,
          healthCheckPath: '/',
        }),
    );
    expect(issues(bad, serviceStepSchema)).toEqual([
      'service.loadBalancer.containerPort: Container simple-app does not map container port 81. Choose one of: 80.',
    ]);
  });
});

describe('helpers', () => {
  it('validates IPv4 CIDRs', () => {
    for (const ok of ['0.0.0.0/0', '10.0.0.0/8', '203.0.113.7/32']) expect(isValidIpv4Cidr(ok)).toBe(true);
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '::/0', ' 10.0.0.0/8'])
      expect(isValidIpv4Cidr(bad)).toBe(false);
  });

  it('proposes the first tcp port mapping for a load balancer', () => {
    expect(defaultLoadBalancer(defaultAnswers.taskDefinition)).toEqual({
      containerName: 'simple-app',
      containerPort: 80,
      listenerPort: 80,
      healthCheckPath: '/',
    });
    expect(
      defaultLoadBalancer({ family: 'f', containers: [container({ essential: true })] }),
    ).toBeUndefined();
  });

  it('lists instance types with vCPU and memory, t2.micro among them', () => {
    expect(instanceTypes.find((t) => t.name === 't2.micro')).toEqual({
      name: 't2.micro',
      vcpu: 1,
      memoryMiB: 1024,
    });
  });
});

describe('every error at once (no rounds)', () => {
  it('reports cross-field errors even when a number field is empty (NaN)', () => {
    const td = structuredClone(defaultAnswers);
    const first = td.taskDefinition.containers[0]!;
    td.taskDefinition.containers = [{ ...first, cpu: NaN }, { ...first }];
    const paths = taskDefinitionStepSchema.safeParse(td).error?.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('taskDefinition.containers.0.cpu');
    expect(paths).toContain('taskDefinition.containers.1.name');

    const cluster = structuredClone(defaultAnswers);
    cluster.cluster.instanceCount = NaN;
    cluster.cluster.instanceType = 't2.nano';
    cluster.taskDefinition.containers[0]!.memory = 600;
    const clusterPaths = clusterStepSchema.safeParse(cluster).error?.issues.map((i) => i.path.join('.'));
    expect(clusterPaths).toEqual(['cluster.instanceCount', 'cluster.instanceType']);
  });
  it('never throws on input whose lists are not lists', () => {
    for (const bad of [
      { taskDefinition: { family: 'x', containers: 'nope' }, service: {}, cluster: {} },
      { taskDefinition: { family: 'x', containers: [{ name: 'a' }] }, service: null, cluster: 1 },
    ]) {
      expect(wizardAnswersSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe('Fargate answers', () => {
  const fargate = (edit: (a: WizardAnswers) => void = () => {}) => {
    const a = structuredClone(defaultAnswers);
    a.cluster.launchType = 'FARGATE';
    a.cluster.fargate = { ...defaultFargate, subnets: 'subnet-0123456789abcdef0' };
    edit(a);
    return a;
  };
  const issues = (a: WizardAnswers) =>
    (wizardAnswersSchema.safeParse(a).error?.issues ?? []).map((i) => [i.path.join('.'), i.message]);

  it('accepts the defaults on Fargate (EC2 stays the default launch type)', () => {
    expect(defaultAnswers.cluster.launchType).toBeUndefined();
    expect(issues(fargate())).toEqual([]);
  });

  it("checks the task size against Fargate's sizes, beside the field", () => {
    expect(issues(fargate((a) => (a.cluster.fargate!.cpu = 300)))).toEqual([
      ['cluster.fargate.cpu', 'Fargate task CPU is one of 256, 512, 1024, 2048, 4096, 8192, 16384 units.'],
    ]);
    expect(issues(fargate((a) => (a.cluster.fargate!.memory = 4096)))).toEqual([
      ['cluster.fargate.memory', 'With 256 CPU units a Fargate task has 512, 1024 or 2048 MiB of memory.'],
    ]);
    expect(issues(fargate((a) => Object.assign(a.cluster.fargate!, { cpu: 1024, memory: 1024 })))).toEqual([
      [
        'cluster.fargate.memory',
        'With 1024 CPU units a Fargate task has 2048 to 8192 in steps of 1024 MiB of memory.',
      ],
    ]);
    expect(issues(fargate((a) => Object.assign(a.cluster.fargate!, { cpu: 16384, memory: 122880 })))).toEqual(
      [],
    );
  });

  it('checks the network ids and what the containers ask for', () => {
    expect(issues(fargate((a) => (a.cluster.fargate!.subnets = '')))).toEqual([
      ['cluster.fargate.subnets', 'Choose at least 1 subnet.'],
    ]);
    expect(issues(fargate((a) => (a.cluster.fargate!.securityGroups = 'sg-1, default')))).toEqual([
      [
        'cluster.fargate.securityGroups',
        'sg-1 is not a security group id (for example sg-0123456789abcdef0).',
      ],
    ]);
    expect(
      issues(
        fargate((a) => {
          a.taskDefinition.containers[0]!.memory = 600;
          a.taskDefinition.containers[0]!.cpu = 512;
        }),
      ),
    ).toEqual([
      [
        'cluster.fargate.memory',
        "The containers ask for 600 MiB, more than the task's 512 MiB. Choose a larger task size.",
      ],
      [
        'cluster.fargate.cpu',
        "The containers ask for 512 CPU units, more than the task's 256. Choose a larger task size.",
      ],
    ]);
    expect(
      issues(fargate((a) => (a.taskDefinition.containers[0]!.portMappings[0]!.hostPort = 8080))).map(
        ([p]) => p,
      ),
    ).toEqual(['cluster.launchType']);
  });

  it('takes a load balancer in two subnets or more of a chosen VPC', () => {
    const lb = (a: WizardAnswers) => {
      a.service.loadBalancer = {
        containerName: 'simple-app',
        containerPort: 80,
        listenerPort: 80,
        healthCheckPath: '/',
      };
    };
    const two = 'subnet-0123456789abcdef0, subnet-0123456789abcdef1';
    expect(
      issues(
        fargate((a) => {
          lb(a);
          Object.assign(a.cluster.fargate!, { subnets: two, vpc: 'vpc-0123456789abcdef0' });
        }),
      ),
    ).toEqual([]);
    expect(
      issues(
        fargate((a) => {
          lb(a);
          a.cluster.fargate!.vpc = 'vpc-0123456789abcdef0';
        }),
      ),
    ).toEqual([
      [
        'cluster.fargate.subnets',
        'The load balancer needs subnets in at least two Availability Zones: choose 2 or more subnets, or turn the load balancer off in step 2.',
      ],
    ]);
    expect(
      issues(
        fargate((a) => {
          lb(a);
          a.cluster.fargate!.subnets = two;
        }),
      ),
    ).toEqual([
      ['cluster.fargate.subnets', "Choose the subnets' VPC: the load balancer's target group belongs to it."],
    ]);
    // Without a load balancer the VPC is not needed, and one subnet is enough.
    expect(issues(fargate())).toEqual([]);
  });
});

describe('service auto scaling answers', () => {
  const withScaling = (
    autoScaling: { minTasks: number; maxTasks: number; targetCpu: number },
    desiredCount = 1,
  ) => {
    const a = structuredClone(defaultAnswers);
    a.service.desiredCount = desiredCount;
    a.service.autoScaling = autoScaling;
    return (serviceStepSchema.safeParse(a).error?.issues ?? []).map((i) => [i.path.join('.'), i.message]);
  };

  it('takes min <= desired <= max and a target CPU of 1-100 %', () => {
    expect(withScaling({ minTasks: 1, maxTasks: 4, targetCpu: 50 })).toEqual([]);
    expect(withScaling({ minTasks: 3, maxTasks: 2, targetCpu: 50 }, 2)).toEqual([
      ['service.autoScaling.maxTasks', 'The maximum (2) must be at least the minimum (3).'],
    ]);
    expect(withScaling({ minTasks: 2, maxTasks: 4, targetCpu: 50 }, 1)).toEqual([
      [
        'service.autoScaling.minTasks',
        'The desired number of tasks (1) must be between the minimum and the maximum.',
      ],
    ]);
    expect(withScaling({ minTasks: 1, maxTasks: 4, targetCpu: 0 })).toEqual([
      ['service.autoScaling.targetCpu', 'The target CPU utilization must be at least 1%.'],
    ]);
  });
});
