/**
 * Wizard answers (Fargate) -> the first-run stack for a Fargate service: no VPC, instances, launch
 * configuration or Auto Scaling group (the operator chose the VPC's subnets and security groups), only
 * the ECS service itself, with LaunchType FARGATE and its awsvpc network configuration. The cluster and
 * the task definition are created by direct ECS calls before the stack, as on the EC2 path.
 */
import { idList, type FargateAnswers, type WizardAnswers } from './answers';
import { scalingResources } from './scaling';
import type { CfnTemplate, Json, JsonObject } from './template';

const ref = (name: string): Json => ({ Ref: name });

export function fargateTemplate(answers: WizardAnswers, fargate: FargateAnswers): CfnTemplate {
  const { cluster, service, taskDefinition } = answers;
  const securityGroups = idList(fargate.securityGroups);
  const parameters: Record<string, JsonObject> = {
    EcsClusterName: {
      Type: 'String',
      Description: 'The ECS cluster the service runs in.',
      Default: cluster.name,
      AllowedPattern: '^[A-Za-z0-9_-]{1,255}$',
    },
    TaskDefinition: {
      Type: 'String',
      Description: "The task definition's family (its latest ACTIVE revision) or ARN.",
      Default: taskDefinition.family,
    },
    DesiredCount: {
      Type: 'Number',
      Description: 'How many tasks the service keeps running.',
      Default: service.desiredCount,
      MinValue: 0,
      MaxValue: 1000,
    },
    Subnets: {
      Type: 'List<AWS::EC2::Subnet::Id>',
      Description: "The subnets of the tasks' network interfaces (one VPC).",
      Default: idList(fargate.subnets).join(','),
    },
    AssignPublicIp: {
      Type: 'String',
      Description: "Whether the tasks' network interfaces get a public IP.",
      Default: fargate.assignPublicIp,
      AllowedValues: ['ENABLED', 'DISABLED'],
    },
  };
  if (securityGroups.length > 0) {
    parameters['SecurityGroups'] = {
      Type: 'List<AWS::EC2::SecurityGroup::Id>',
      Description: "The security groups of the tasks' network interfaces.",
      Default: securityGroups.join(','),
    };
  }
  const breaker =
    service.circuitBreaker && service.circuitBreaker !== 'off' ? service.circuitBreaker : undefined;
  const resources: Record<string, JsonObject> = {
    EcsService: {
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: ref('EcsClusterName'),
        ServiceName: service.name,
        TaskDefinition: ref('TaskDefinition'),
        DesiredCount: ref('DesiredCount'),
        LaunchType: 'FARGATE',
        DeploymentConfiguration: {
          MaximumPercent: service.maximumPercent,
          MinimumHealthyPercent: service.minimumHealthyPercent,
          ...(breaker && {
            DeploymentCircuitBreaker: { Enable: true, Rollback: breaker === 'rollback' },
          }),
        },
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: ref('Subnets'),
            ...(securityGroups.length > 0 && { SecurityGroups: ref('SecurityGroups') }),
            AssignPublicIp: ref('AssignPublicIp'),
          },
        },
      },
    },
    ...scalingResources(answers),
  };
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'AWS CloudFormation template to create a new ECS First Run stack (Fargate service)',
    Parameters: parameters,
    Resources: resources,
    Outputs: {
      ServiceArn: { Description: 'The ECS service the stack created.', Value: ref('EcsService') },
    },
  };
}
