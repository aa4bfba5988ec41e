import { describe, expect, it } from 'vitest';
import { defaultAnswers, wizardAnswersSchema, type WizardAnswers } from './answers';
import {
  apiInputs,
  TARGET_GROUP_ARN_PLACEHOLDER,
  withTargetGroupArn,
  type CreateServiceInput,
} from './inputs';

/** The CreateService input of EC2 answers (Fargate's service is in the stack). */
function ec2Service(answers: WizardAnswers): CreateServiceInput {
  const input = apiInputs(answers).createService;
  if (!input) throw new Error('EC2 answers have a CreateService input');
  return input;
}

describe('apiInputs', () => {
  it('turns the defaults into the original wizard calls', () => {
    expect(apiInputs(defaultAnswers)).toEqual({
      createCluster: { clusterName: 'default' },
      registerTaskDefinition: {
        family: 'console-sample-app-static',
        containerDefinitions: [
          {
            name: 'simple-app',
            image: 'httpd:2.4',
            cpu: 10,
            memory: 300,
            essential: true,
            portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
          },
        ],
      },
      createService: {
        cluster: 'default',
        serviceName: 'sample-webapp',
        taskDefinition: 'console-sample-app-static',
        desiredCount: 1,
        deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
      },
    });
  });

  const full: WizardAnswers = wizardAnswersSchema.parse({
    ...defaultAnswers,
    taskDefinition: {
      family: 'web',
      containers: [
        {
          name: 'web',
          image: 'nginx:1.25',
          memory: 256,
          memoryReservation: 128,
          cpu: 256,
          essential: true,
          portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
          command: ['sh', '-c', "echo 'hi' && exec nginx"],
          entryPoint: [],
          environment: [{ name: 'GREETING', value: 'it\'s "$HOME"' }],
          links: ['cache:redis'],
          logConfiguration: { logDriver: 'json-file', options: { 'max-size': '10m' } },
        },
        {
          name: 'cache',
          image: 'redis:7',
          memoryReservation: 64,
          cpu: 0,
          essential: false,
          portMappings: [],
          environment: [],
          links: [],
        },
      ],
    },
    service: {
      name: 'web-svc',
      desiredCount: 4,
      minimumHealthyPercent: 50,
      maximumPercent: 150,
      loadBalancer: { containerName: 'web', containerPort: 8080, listenerPort: 80, healthCheckPath: '/' },
    },
    cluster: { ...defaultAnswers.cluster, name: 'c1', instanceType: 't2.small', instanceCount: 2 },
  });

  it('maps every container field by its ECS API name, leaving out what is empty', () => {
    const { registerTaskDefinition } = apiInputs(full);
    expect(registerTaskDefinition.containerDefinitions).toEqual([
      {
        name: 'web',
        image: 'nginx:1.25',
        cpu: 256,
        memory: 256,
        memoryReservation: 128,
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
        command: ['sh', '-c', "echo 'hi' && exec nginx"],
        environment: [{ name: 'GREETING', value: 'it\'s "$HOME"' }],
        links: ['cache:redis'],
        logConfiguration: { logDriver: 'json-file', options: { 'max-size': '10m' } },
      },
      { name: 'cache', image: 'redis:7', cpu: 0, memoryReservation: 64, essential: false, portMappings: [] },
    ]);
  });

  it('sends the service to the cluster by name, with the family and deployment configuration', () => {
    const { createService, createCluster } = apiInputs(full);
    expect(createCluster).toEqual({ clusterName: 'c1' });
    expect(createService).toEqual({
      cluster: 'c1',
      serviceName: 'web-svc',
      taskDefinition: 'web',
      desiredCount: 4,
      deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 50 },
      loadBalancers: [
        { targetGroupArn: TARGET_GROUP_ARN_PLACEHOLDER, containerName: 'web', containerPort: 8080 },
      ],
    });
    expect(createService).not.toHaveProperty('role');
  });

  it('turns the circuit breaker choice into deploymentCircuitBreaker (nothing when off)', () => {
    const withBreaker = (circuitBreaker: 'off' | 'fail' | 'rollback' | undefined) =>
      ec2Service({ ...defaultAnswers, service: { ...defaultAnswers.service, circuitBreaker } })
        .deploymentConfiguration;
    expect(withBreaker('off')).toEqual({ maximumPercent: 200, minimumHealthyPercent: 100 });
    expect(withBreaker(undefined)).toEqual({ maximumPercent: 200, minimumHealthyPercent: 100 });
    expect(withBreaker('fail').deploymentCircuitBreaker).toEqual({ enable: true, rollback: false });
    expect(withBreaker('rollback').deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
    const bad = wizardAnswersSchema.safeParse({
      ...defaultAnswers,
      service: { ...defaultAnswers.service, circuitBreaker: 'sometimes' },
    });
    expect(bad.error?.issues[0]).toMatchObject({
      path: ['service', 'circuitBreaker'],
      message: 'Choose off, fail, or fail and roll back.',
    });
  });

  it('fills in the target group ARN from the stack output, without touching the original', () => {
    const createService = ec2Service(full);
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/Defau-1/0123456789abcdef';
    const resolved = withTargetGroupArn(createService, arn);
    expect(resolved.loadBalancers?.[0]?.targetGroupArn).toBe(arn);
    expect(createService.loadBalancers?.[0]?.targetGroupArn).toBe(TARGET_GROUP_ARN_PLACEHOLDER);
    const plain = ec2Service(defaultAnswers);
    expect(withTargetGroupArn(plain, arn)).toEqual(plain);
  });

  it('copies arrays, so editing the inputs never changes the answers', () => {
    const inputs = apiInputs(full);
    inputs.registerTaskDefinition.containerDefinitions[0]?.command?.push('x');
    expect(full.taskDefinition.containers[0]?.command).toHaveLength(3);
  });
});

describe('apiInputs on Fargate', () => {
  it('registers a FARGATE awsvpc task definition with the task size and hostPort = containerPort, and sends no CreateService', () => {
    const a = structuredClone(defaultAnswers);
    a.taskDefinition.containers[0]!.portMappings = [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }];
    a.cluster.launchType = 'FARGATE';
    a.cluster.fargate = {
      subnets: 'subnet-0123456789abcdef0',
      securityGroups: '',
      assignPublicIp: 'ENABLED',
      cpu: 512,
      memory: 2048,
    };
    const inputs = apiInputs(wizardAnswersSchema.parse(a));
    expect(inputs.createService).toBeUndefined();
    expect(inputs.registerTaskDefinition).toEqual({
      family: 'console-sample-app-static',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '2048',
      containerDefinitions: [
        {
          name: 'simple-app',
          image: 'httpd:2.4',
          cpu: 10,
          memory: 300,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
        },
      ],
    });
  });
});

describe('apiInputs with service auto scaling (EC2)', () => {
  it('adds RegisterScalableTarget and a CPU target-tracking PutScalingPolicy for the service', () => {
    const a = structuredClone(defaultAnswers);
    a.service.autoScaling = { minTasks: 1, maxTasks: 3, targetCpu: 70 };
    const inputs = apiInputs(wizardAnswersSchema.parse(a));
    const target = {
      ServiceNamespace: 'ecs',
      ResourceId: 'service/default/sample-webapp',
      ScalableDimension: 'ecs:service:DesiredCount',
    };
    expect(inputs.registerScalableTarget).toEqual({ ...target, MinCapacity: 1, MaxCapacity: 3 });
    expect(inputs.putScalingPolicy).toEqual({
      PolicyName: 'sample-webapp-cpu-target-tracking',
      ...target,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 70,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleOutCooldown: 60,
        ScaleInCooldown: 300,
      },
    });
    expect(apiInputs(defaultAnswers)).not.toHaveProperty('registerScalableTarget');
  });
});
