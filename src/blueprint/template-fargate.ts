/**
 * Wizard answers (Fargate) -> the first-run stack for a Fargate service: no VPC, instances, launch
 * configuration or Auto Scaling group (the operator chose the VPC's subnets and security groups), only
 * the ECS service itself, with LaunchType FARGATE and its awsvpc network configuration, and, when the
 * service has one, its Application Load Balancer (an ip target group: awsvpc tasks register by address). The cluster and
 * the task definition are created by direct ECS calls before the stack, as on the EC2 path.
 */
import { idList, type FargateAnswers, type LoadBalancerAnswers, type WizardAnswers } from './answers';
import { scalingResources } from './scaling';
import type { CfnTemplate, Json, JsonObject } from './template';
import { loadBalancerParameters, targetGroupAndListener } from './template-lb';

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
  const lb = service.loadBalancer;
  if (lb) {
    parameters['VpcId'] = {
      Type: 'AWS::EC2::VPC::Id',
      Description: "The subnets' VPC (the load balancer's target group and security groups).",
      Default: fargate.vpc ?? '',
    };
    Object.assign(parameters, loadBalancerParameters(lb));
  }
  const breaker =
    service.circuitBreaker && service.circuitBreaker !== 'off' ? service.circuitBreaker : undefined;
  // With a load balancer the tasks also get the stack's own group, which lets the load balancer in
  // at the container port (the operator's groups, or the VPC's default one, do not).
  const taskGroups = serviceSecurityGroups(securityGroups.length > 0, Boolean(lb));
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
            ...(taskGroups !== undefined && { SecurityGroups: taskGroups }),
            AssignPublicIp: ref('AssignPublicIp'),
          },
        },
        ...(lb && {
          LoadBalancers: [
            {
              TargetGroupArn: ref('DefaultTargetGroup'),
              ContainerName: lb.containerName,
              ContainerPort: lb.containerPort,
            },
          ],
        }),
      },
      // ECS takes a target group only once a load balancer's listener forwards to it.
      ...(lb && { DependsOn: 'LoadBalancerListener' }),
    },
    ...(lb && loadBalancerResources(lb)),
    ...scalingResources(answers),
  };
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'AWS CloudFormation template to create a new ECS First Run stack (Fargate service)',
    Parameters: parameters,
    Resources: resources,
    Outputs: {
      ServiceArn: { Description: 'The ECS service the stack created.', Value: ref('EcsService') },
      ...(lb && {
        LoadBalancerDNS: {
          Description: 'The load balancer DNS name: open http://<this>:<listener port>/.',
          Value: { 'Fn::GetAtt': ['EcsElasticLoadBalancer', 'DNSName'] },
        },
        TargetGroupArn: {
          Description: 'The target group the ECS service registers its tasks in (by address).',
          Value: ref('DefaultTargetGroup'),
        },
      }),
    },
  };
}

/**
 * An Application Load Balancer in the tasks' subnets, open on its listener port; a target group of
 * type ip (awsvpc tasks are registered by address, at the container port); and the tasks' extra
 * security group, which lets the load balancer's group in at the container port.
 */
function loadBalancerResources(lb: LoadBalancerAnswers): Record<string, JsonObject> {
  return {
    AlbSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'ELB Allowed Ports',
        VpcId: ref('VpcId'),
        SecurityGroupIngress: [
          { IpProtocol: 'tcp', FromPort: ref('ElbPort'), ToPort: ref('ElbPort'), CidrIp: '0.0.0.0/0' },
        ],
      },
    },
    TaskSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'Traffic from the load balancer to the tasks',
        VpcId: ref('VpcId'),
        SecurityGroupIngress: [
          {
            IpProtocol: 'tcp',
            FromPort: lb.containerPort,
            ToPort: lb.containerPort,
            SourceSecurityGroupId: ref('AlbSecurityGroup'),
            Description: 'Traffic from the load balancer',
          },
        ],
      },
    },
    EcsElasticLoadBalancer: {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: {
        Scheme: 'internet-facing',
        Type: 'application',
        Subnets: ref('Subnets'),
        SecurityGroups: [ref('AlbSecurityGroup')],
      },
    },
    ...targetGroupAndListener(lb, 'ip', 'VpcId'),
  };
}

/**
 * The service's security groups: the operator's (a list parameter) and, with a load balancer, the
 * stack's own group that lets it in, as one list; undefined: the VPC's default group.
 */
function serviceSecurityGroups(operators: boolean, loadBalancer: boolean): Json | undefined {
  if (!loadBalancer) return operators ? ref('SecurityGroups') : undefined;
  if (!operators) return [ref('TaskSecurityGroup')];
  const joined = {
    'Fn::Join': [',', [{ 'Fn::Join': [',', ref('SecurityGroups')] }, ref('TaskSecurityGroup')]],
  };
  return { 'Fn::Split': [',', joined] };
}
