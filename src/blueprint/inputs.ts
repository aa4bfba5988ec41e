/**
 * Wizard answers -> the ECS API inputs the launch sends, field for field as the ECS API (and
 * `aws ecs <op> --cli-input-json`) takes them.
 */
import { scalingInputs, type PutScalingPolicyInput, type RegisterScalableTargetInput } from './scaling';
import { fargateOf, type ContainerAnswers, type logDrivers, type WizardAnswers } from './answers';

/** Stands for the target group's ARN until the stack's `TargetGroupArn` output is known. */
export const TARGET_GROUP_ARN_PLACEHOLDER = '${TargetGroupArn}';

export interface CreateClusterInput {
  clusterName: string;
}

export interface ContainerDefinitionInput {
  name: string;
  image: string;
  cpu: number;
  memory?: number;
  memoryReservation?: number;
  essential: boolean;
  portMappings: { containerPort: number; hostPort: number; protocol: 'tcp' | 'udp' }[];
  command?: string[];
  entryPoint?: string[];
  environment?: { name: string; value: string }[];
  links?: string[];
  logConfiguration?: { logDriver: (typeof logDrivers)[number]; options?: Record<string, string> };
}

export interface RegisterTaskDefinitionInput {
  family: string;
  /** Fargate: FARGATE, with networkMode awsvpc and the task-level cpu/memory (strings, as ECS takes them). */
  requiresCompatibilities?: ['FARGATE'];
  networkMode?: 'awsvpc';
  cpu?: string;
  memory?: string;
  containerDefinitions: ContainerDefinitionInput[];
}

export interface CreateServiceInput {
  cluster: string;
  serviceName: string;
  /** The family: ECS takes its latest ACTIVE revision, i.e. the one just registered. */
  taskDefinition: string;
  desiredCount: number;
  deploymentConfiguration: {
    maximumPercent: number;
    minimumHealthyPercent: number;
    deploymentCircuitBreaker?: { enable: boolean; rollback: boolean };
  };
  loadBalancers?: { targetGroupArn: string; containerName: string; containerPort: number }[];
}

export interface ApiInputs {
  createCluster: CreateClusterInput;
  registerTaskDefinition: RegisterTaskDefinitionInput;
  /** EC2 only: on Fargate the stack creates the service (AWS::ECS::Service), so no CreateService is sent. */
  createService?: CreateServiceInput;
  /** EC2 with auto scaling, after CreateService (on Fargate they are template resources). */
  registerScalableTarget?: RegisterScalableTargetInput;
  putScalingPolicy?: PutScalingPolicyInput;
}

/** awsvpc (Fargate): a container's port is served on the task's own address, so hostPort = containerPort. */
function containerDefinition(c: ContainerAnswers, awsvpc = false): ContainerDefinitionInput {
  return {
    name: c.name,
    image: c.image,
    cpu: c.cpu,
    ...(c.memory !== undefined && { memory: c.memory }),
    ...(c.memoryReservation !== undefined && { memoryReservation: c.memoryReservation }),
    essential: c.essential,
    portMappings: c.portMappings.map((p) => ({
      containerPort: p.containerPort,
      hostPort: awsvpc ? p.containerPort : p.hostPort,
      protocol: p.protocol,
    })),
    ...(c.command && c.command.length > 0 && { command: [...c.command] }),
    ...(c.entryPoint && c.entryPoint.length > 0 && { entryPoint: [...c.entryPoint] }),
    ...(c.environment.length > 0 && {
      environment: c.environment.map((e) => ({ name: e.name, value: e.value })),
    }),
    ...(c.links.length > 0 && { links: [...c.links] }),
    ...(c.logConfiguration && {
      logConfiguration: {
        logDriver: c.logConfiguration.logDriver,
        ...(Object.keys(c.logConfiguration.options).length > 0 && {
          options: { ...c.logConfiguration.options },
        }),
      },
    }),
  };
}

/**
 * The three ECS calls of the launch. With a load balancer, `createService.loadBalancers[0].targetGroupArn`
 * is {@link TARGET_GROUP_ARN_PLACEHOLDER}: replace it with {@link withTargetGroupArn} once the stack is up.
 * No `role` is sent: the wizard's load balancer is an Application Load Balancer, for which ECS uses its
 * service-linked role.
 */
export function apiInputs(answers: WizardAnswers): ApiInputs {
  const fargate = fargateOf(answers);
  const family = answers.taskDefinition.family;
  const containerDefinitions = answers.taskDefinition.containers.map((c) =>
    containerDefinition(c, Boolean(fargate)),
  );
  if (fargate) {
    return {
      createCluster: { clusterName: answers.cluster.name },
      registerTaskDefinition: {
        family,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: String(fargate.cpu),
        memory: String(fargate.memory),
        containerDefinitions,
      },
    };
  }
  const lb = answers.service.loadBalancer;
  return {
    createCluster: { clusterName: answers.cluster.name },
    registerTaskDefinition: { family, containerDefinitions },
    ...scalingInputs(answers),
    createService: {
      cluster: answers.cluster.name,
      serviceName: answers.service.name,
      taskDefinition: answers.taskDefinition.family,
      desiredCount: answers.service.desiredCount,
      deploymentConfiguration: {
        maximumPercent: answers.service.maximumPercent,
        minimumHealthyPercent: answers.service.minimumHealthyPercent,
        ...(answers.service.circuitBreaker && answers.service.circuitBreaker !== 'off'
          ? {
              deploymentCircuitBreaker: {
                enable: true,
                rollback: answers.service.circuitBreaker === 'rollback',
              },
            }
          : {}),
      },
      ...(lb && {
        loadBalancers: [
          {
            targetGroupArn: TARGET_GROUP_ARN_PLACEHOLDER,
            containerName: lb.containerName,
            containerPort: lb.containerPort,
          },
        ],
      }),
    },
  };
}

/** The CreateService input with the stack's target group ARN in place of the placeholder. */
export function withTargetGroupArn(input: CreateServiceInput, targetGroupArn: string): CreateServiceInput {
  if (!input.loadBalancers) return input;
  return { ...input, loadBalancers: input.loadBalancers.map((lb) => ({ ...lb, targetGroupArn })) };
}
