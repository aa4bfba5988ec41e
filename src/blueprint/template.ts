/**
 * Wizard answers -> the CloudFormation template of the first-run stack `EC2ContainerService-<cluster>`,
 * shaped like the console's 2017 "ECS First Run stack" (research §1.3-1.4): a new VPC with two public
 * subnets, the ECS security group, an optional instance role, a launch configuration whose UserData
 * joins the cluster, the Auto Scaling group, and optionally an Application Load Balancer.
 * The ECS cluster, task definition and service are NOT in the stack: the launch creates them by direct
 * ECS calls, as the original console did. Fargate (the modern path) has its own template: see
 * `template-fargate.ts`.
 */
import { fargateOf, instanceTypes, type WizardAnswers } from './answers';
import { fargateTemplate } from './template-fargate';
import { loadBalancerParameters, targetGroupAndListener } from './template-lb';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface CfnTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description: string;
  Parameters: Record<string, JsonObject>;
  /** Absent when the template has none (Fargate). */
  Mappings?: Record<string, JsonObject>;
  Resources: Record<string, JsonObject>;
  Outputs: Record<string, JsonObject>;
}

/** The SSM public parameter that names the current ECS-optimized Amazon Linux 2 AMI. */
export const ECS_AMI_SSM_PARAMETER = '/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id';

export function stackName(answers: WizardAnswers): string {
  return `EC2ContainerService-${answers.cluster.name}`;
}

const ref = (name: string): Json => ({ Ref: name });
const getAtt = (resource: string, attribute: string): Json => ({ 'Fn::GetAtt': [resource, attribute] });
const sub = (text: string): Json => ({ 'Fn::Sub': text });
const findInMap = (map: string, key: string, value: string): Json => ({ 'Fn::FindInMap': [map, key, value] });
const az = (index: number): Json => ({ 'Fn::Select': [index, { 'Fn::GetAZs': '' }] });

/** Parameter names of the i-th ingress rule: EcsPort/SourceCidr, then EcsPort2/SourceCidr2, ... */
export function ingressParameterNames(index: number): { port: string; cidr: string } {
  const suffix = index === 0 ? '' : String(index + 1);
  return { port: `EcsPort${suffix}`, cidr: `SourceCidr${suffix}` };
}

/** The parameter values the answers give (the same as the template's defaults). */
export function stackParameters(answers: WizardAnswers): { ParameterKey: string; ParameterValue: string }[] {
  const template = cloudFormationTemplate(answers);
  return Object.entries(template.Parameters)
    .filter(([name]) => name !== 'EcsAmiId')
    .map(([name, p]) => ({ ParameterKey: name, ParameterValue: String(p['Default']) }));
}

export function cloudFormationTemplate(answers: WizardAnswers): CfnTemplate {
  const fargate = fargateOf(answers);
  if (fargate) return fargateTemplate(answers, fargate);
  const { cluster, service } = answers;
  const lb = service.loadBalancer;
  const createRole = cluster.instanceRole.kind === 'create';
  const keyName = cluster.keyName?.trim() ? cluster.keyName : undefined;

  const parameters: Record<string, JsonObject> = {
    EcsClusterName: {
      Type: 'String',
      Description: 'The ECS cluster the instances join (written to /etc/ecs/ecs.config).',
      Default: cluster.name,
      AllowedPattern: '^[A-Za-z0-9_-]{1,255}$',
    },
    EcsAmiId: {
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Description: 'The ECS-optimized AMI, from its public SSM parameter.',
      Default: ECS_AMI_SSM_PARAMETER,
    },
    EcsInstanceType: {
      Type: 'String',
      Description: 'EC2 instance type of the container instances.',
      Default: cluster.instanceType,
      AllowedValues: instanceTypes.map((t) => t.name),
      ConstraintDescription: 'must be a valid EC2 instance type.',
    },
    AsgMaxSize: {
      Type: 'Number',
      Description: 'Maximum size and initial desired capacity of the Auto Scaling group.',
      Default: cluster.instanceCount,
      MinValue: 1,
      MaxValue: 100,
    },
  };
  if (keyName !== undefined) {
    parameters['KeyName'] = {
      Type: 'AWS::EC2::KeyPair::KeyName',
      Description: 'The EC2 key pair for SSH access to the container instances.',
      Default: keyName,
    };
  }
  if (!createRole && cluster.instanceRole.kind === 'existing') {
    parameters['IamRoleInstanceProfile'] = {
      Type: 'String',
      Description:
        'The instance profile of the container instances (needs AmazonEC2ContainerServiceforEC2Role).',
      Default: cluster.instanceRole.name,
    };
  }
  cluster.ingress.forEach((rule, i) => {
    const names = ingressParameterNames(i);
    parameters[names.port] = {
      Type: 'Number',
      Description: `Inbound port ${i + 1} of the container instances.`,
      Default: rule.port,
      MinValue: 1,
      MaxValue: 65535,
    };
    parameters[names.cidr] = {
      Type: 'String',
      Description: `Allowed source of inbound rule ${i + 1} (CIDR).`,
      Default: rule.cidr,
      AllowedPattern: '^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})$',
      ConstraintDescription: 'must be a CIDR block such as 0.0.0.0/0.',
    };
  });
  if (lb) Object.assign(parameters, loadBalancerParameters(lb));

  const ingressRules: Json[] = cluster.ingress.map((_rule, i) => {
    const names = ingressParameterNames(i);
    return { IpProtocol: 'tcp', FromPort: ref(names.port), ToPort: ref(names.port), CidrIp: ref(names.cidr) };
  });
  if (lb) {
    ingressRules.push({
      IpProtocol: 'tcp',
      FromPort: 1,
      ToPort: 65535,
      SourceSecurityGroupId: ref('AlbSecurityGroup'),
      Description: 'Traffic from the load balancer',
    });
  }

  const resources: Record<string, JsonObject> = {
    Vpc: {
      Type: 'AWS::EC2::VPC',
      Properties: {
        CidrBlock: findInMap('VpcCidrs', 'vpc', 'cidr'),
        EnableDnsSupport: true,
        EnableDnsHostnames: true,
      },
    },
    PubSubnetAz1: {
      Type: 'AWS::EC2::Subnet',
      Properties: {
        VpcId: ref('Vpc'),
        CidrBlock: findInMap('VpcCidrs', 'pubsubnet1', 'cidr'),
        AvailabilityZone: az(0),
        MapPublicIpOnLaunch: true,
      },
    },
    PubSubnetAz2: {
      Type: 'AWS::EC2::Subnet',
      Properties: {
        VpcId: ref('Vpc'),
        CidrBlock: findInMap('VpcCidrs', 'pubsubnet2', 'cidr'),
        AvailabilityZone: az(1),
        MapPublicIpOnLaunch: true,
      },
    },
    InternetGateway: { Type: 'AWS::EC2::InternetGateway' },
    AttachGateway: {
      Type: 'AWS::EC2::VPCGatewayAttachment',
      Properties: { VpcId: ref('Vpc'), InternetGatewayId: ref('InternetGateway') },
    },
    RouteViaIgw: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: ref('Vpc') } },
    PublicRouteViaIgw: {
      Type: 'AWS::EC2::Route',
      DependsOn: 'AttachGateway',
      Properties: {
        RouteTableId: ref('RouteViaIgw'),
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: ref('InternetGateway'),
      },
    },
    PubSubnet1RouteTableAssociation: {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: ref('PubSubnetAz1'), RouteTableId: ref('RouteViaIgw') },
    },
    PubSubnet2RouteTableAssociation: {
      Type: 'AWS::EC2::SubnetRouteTableAssociation',
      Properties: { SubnetId: ref('PubSubnetAz2'), RouteTableId: ref('RouteViaIgw') },
    },
    EcsSecurityGroup: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'ECS Allowed Ports',
        VpcId: ref('Vpc'),
        ...(ingressRules.length > 0 && { SecurityGroupIngress: ingressRules }),
      },
    },
  };

  if (createRole) {
    resources['EcsInstanceRole'] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
          ],
        },
        Path: '/',
        ManagedPolicyArns: [
          sub('arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role'),
        ],
      },
    };
    resources['EcsInstanceProfile'] = {
      Type: 'AWS::IAM::InstanceProfile',
      Properties: { Path: '/', Roles: [ref('EcsInstanceRole')] },
    };
  }

  resources['EcsInstanceLc'] = {
    Type: 'AWS::AutoScaling::LaunchConfiguration',
    // The wizard's stack used a launch configuration; cfn-lint warns that the type is in maintenance mode.
    Metadata: { 'cfn-lint': { config: { ignore_checks: ['W3697'] } } },
    Properties: {
      ImageId: ref('EcsAmiId'),
      InstanceType: ref('EcsInstanceType'),
      AssociatePublicIpAddress: true,
      IamInstanceProfile: ref(createRole ? 'EcsInstanceProfile' : 'IamRoleInstanceProfile'),
      ...(keyName !== undefined && { KeyName: ref('KeyName') }),
      SecurityGroups: [ref('EcsSecurityGroup')],
      UserData: {
        'Fn::Base64': sub('#!/bin/bash\necho ECS_CLUSTER=${EcsClusterName} >> /etc/ecs/ecs.config\n'),
      },
    },
  };
  resources['EcsInstanceAsg'] = {
    Type: 'AWS::AutoScaling::AutoScalingGroup',
    DependsOn: 'PublicRouteViaIgw',
    Properties: {
      VPCZoneIdentifier: [ref('PubSubnetAz1'), ref('PubSubnetAz2')],
      LaunchConfigurationName: ref('EcsInstanceLc'),
      MinSize: '0',
      MaxSize: ref('AsgMaxSize'),
      DesiredCapacity: ref('AsgMaxSize'),
      Tags: [{ Key: 'Name', Value: sub('ECS Instance - ${AWS::StackName}'), PropagateAtLaunch: true }],
    },
  };

  const outputs: Record<string, JsonObject> = {
    EcsInstanceAsgName: {
      Description: 'The Auto Scaling group of the container instances.',
      Value: ref('EcsInstanceAsg'),
    },
  };

  if (lb) {
    resources['AlbSecurityGroup'] = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: 'ELB Allowed Ports',
        VpcId: ref('Vpc'),
        ...(cluster.ingress.length > 0 && {
          SecurityGroupIngress: cluster.ingress.map((_rule, i) => ({
            IpProtocol: 'tcp',
            FromPort: ref('ElbPort'),
            ToPort: ref('ElbPort'),
            CidrIp: ref(ingressParameterNames(i).cidr),
          })),
        }),
      },
    };
    resources['EcsElasticLoadBalancer'] = {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      DependsOn: 'AttachGateway',
      Properties: {
        Scheme: 'internet-facing',
        Type: 'application',
        Subnets: [ref('PubSubnetAz1'), ref('PubSubnetAz2')],
        SecurityGroups: [ref('AlbSecurityGroup')],
      },
    };
    Object.assign(resources, targetGroupAndListener(lb, 'instance', 'Vpc'));
    outputs['EcsElbName'] = {
      Description: 'The load balancer name.',
      Value: getAtt('EcsElasticLoadBalancer', 'LoadBalancerName'),
    };
    outputs['LoadBalancerDNS'] = {
      Description: 'The load balancer DNS name: open http://<this>:<listener port>/.',
      Value: getAtt('EcsElasticLoadBalancer', 'DNSName'),
    };
    outputs['TargetGroupArn'] = {
      Description: 'The target group the ECS service registers its tasks in.',
      Value: ref('DefaultTargetGroup'),
    };
  }

  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'AWS CloudFormation template to create a new ECS First Run stack',
    Parameters: parameters,
    Mappings: {
      VpcCidrs: {
        vpc: { cidr: '10.0.0.0/16' },
        pubsubnet1: { cidr: '10.0.0.0/24' },
        pubsubnet2: { cidr: '10.0.1.0/24' },
      },
    },
    Resources: resources,
    Outputs: outputs,
  };
}
