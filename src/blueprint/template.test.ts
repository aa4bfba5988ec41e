import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, type CollectionTag, type ScalarTag } from 'yaml';
import { defaultAnswers, MAX_INGRESS_RULES, wizardAnswersSchema, type WizardAnswers } from './answers';
import { templateToJson, templateToYaml } from './render';
import { cloudFormationTemplate, stackName, stackParameters, type Json } from './template';
import { requireTool } from '../testing/tools';

const FARGATE = {
  subnets: 'subnet-0123456789abcdef0, subnet-0123456789abcdef1',
  securityGroups: 'sg-0123456789abcdef0',
  assignPublicIp: 'ENABLED' as const,
  cpu: 256,
  memory: 512,
};

function variant(edit: (a: WizardAnswers) => void): WizardAnswers {
  const a = structuredClone(defaultAnswers);
  edit(a);
  return wizardAnswersSchema.parse(a);
}

const variants: Record<string, WizardAnswers> = {
  defaults: defaultAnswers,
  'load balancer': variant((a) => {
    a.service.loadBalancer = {
      containerName: 'simple-app',
      containerPort: 80,
      listenerPort: 80,
      healthCheckPath: '/',
    };
  }),
  'load balancer, key pair, new role, several ingress rules': variant((a) => {
    a.cluster = {
      ...a.cluster,
      name: 'prod_cluster-2',
      instanceType: 'm5.large',
      instanceCount: 3,
      keyName: "ops key 'main'",
      ingress: [
        { port: 80, cidr: '0.0.0.0/0' },
        { port: 443, cidr: '0.0.0.0/0' },
        { port: 22, cidr: '203.0.113.0/24' },
      ],
      instanceRole: { kind: 'create' },
    };
    a.taskDefinition.containers[0]!.portMappings = [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }];
    a.service.desiredCount = 6;
    a.service.loadBalancer = {
      containerName: 'simple-app',
      containerPort: 8080,
      listenerPort: 8000,
      healthCheckPath: '/healthz',
    };
  }),
  'key pair, no ingress rule': variant((a) => {
    a.cluster.keyName = 'my-key';
    a.cluster.ingress = [];
  }),
  fargate: variant((a) => {
    a.cluster.launchType = 'FARGATE';
    a.cluster.fargate = { ...FARGATE, securityGroups: '' };
  }),
  'fargate, security groups, no public IP, circuit breaker': variant((a) => {
    a.cluster.launchType = 'FARGATE';
    a.cluster.fargate = { ...FARGATE, assignPublicIp: 'DISABLED', cpu: 1024, memory: 3072 };
    a.service.circuitBreaker = 'rollback';
  }),
  'fargate with auto scaling': variant((a) => {
    a.cluster.launchType = 'FARGATE';
    a.cluster.fargate = FARGATE;
    a.service.autoScaling = { minTasks: 1, maxTasks: 6, targetCpu: 50 };
  }),
  'fargate behind a load balancer': variant((a) => {
    a.cluster.launchType = 'FARGATE';
    a.cluster.fargate = { ...FARGATE, vpc: 'vpc-0123456789abcdef0' };
    a.taskDefinition.containers[0]!.portMappings = [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }];
    a.service.loadBalancer = {
      containerName: 'simple-app',
      containerPort: 8080,
      listenerPort: 80,
      healthCheckPath: '/healthz',
    };
  }),
  'fargate behind a load balancer, the default security group': variant((a) => {
    a.cluster.launchType = 'FARGATE';
    a.cluster.fargate = { ...FARGATE, securityGroups: '', vpc: 'vpc-0123456789abcdef0' };
    a.service.loadBalancer = {
      containerName: 'simple-app',
      containerPort: 80,
      listenerPort: 8080,
      healthCheckPath: '/',
    };
  }),
  'auto scaling on EC2 (calls, not resources)': variant((a) => {
    a.service.autoScaling = { minTasks: 1, maxTasks: 3, targetCpu: 70 };
  }),
};

// cfn-lint understands the short-form tags; to compare the YAML with the JSON we read them back to long form.
const shortFormTags = [
  'Ref',
  'Condition',
  ...['Sub', 'GetAtt', 'Select', 'GetAZs', 'FindInMap', 'Base64', 'Join', 'If', 'Equals', 'Split'].map(
    (f) => `Fn::${f}`,
  ),
];
const yamlTags: (ScalarTag | CollectionTag)[] = shortFormTags.flatMap((key) => {
  const tag = `!${key.replace('Fn::', '')}`;
  const scalar: ScalarTag = {
    tag,
    resolve: (value: string) => ({ [key]: key === 'Fn::GetAtt' ? value.split('.') : value }),
  };
  const seq: CollectionTag = { tag, collection: 'seq', resolve: (node) => ({ [key]: node.toJSON() }) };
  const map: CollectionTag = { tag, collection: 'map', resolve: (node) => ({ [key]: node.toJSON() }) };
  return [scalar, seq, map];
});

describe('cloudFormationTemplate', () => {
  it('names the stack after the cluster', () => {
    expect(stackName(defaultAnswers)).toBe('EC2ContainerService-default');
  });

  it('has the first-run resources, the instances joining the cluster through UserData', () => {
    const t = cloudFormationTemplate(defaultAnswers);
    expect(Object.keys(t.Resources).sort()).toEqual(
      [
        'Vpc',
        'PubSubnetAz1',
        'PubSubnetAz2',
        'InternetGateway',
        'AttachGateway',
        'RouteViaIgw',
        'PublicRouteViaIgw',
        'PubSubnet1RouteTableAssociation',
        'PubSubnet2RouteTableAssociation',
        'EcsSecurityGroup',
        'EcsInstanceLc',
        'EcsInstanceAsg',
      ].sort(),
    );
    const lc = t.Resources['EcsInstanceLc']?.['Properties'] as Record<string, Json>;
    expect(lc['UserData']).toEqual({
      'Fn::Base64': { 'Fn::Sub': '#!/bin/bash\necho ECS_CLUSTER=${EcsClusterName} >> /etc/ecs/ecs.config\n' },
    });
    expect(lc['IamInstanceProfile']).toEqual({ Ref: 'IamRoleInstanceProfile' });
    expect(lc['KeyName']).toBeUndefined();
    expect(t.Parameters['EcsAmiId']?.['Type']).toBe('AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>');
    expect(t.Parameters['IamRoleInstanceProfile']?.['Default']).toBe('ecsInstanceRole');
    expect(t.Parameters['KeyName']).toBeUndefined();
    const asg = t.Resources['EcsInstanceAsg']?.['Properties'] as Record<string, Json>;
    expect([asg['MinSize'], asg['MaxSize'], asg['DesiredCapacity']]).toEqual([
      '0',
      { Ref: 'AsgMaxSize' },
      { Ref: 'AsgMaxSize' },
    ]);
    expect(t.Parameters['AsgMaxSize']?.['Default']).toBe(1);
    expect(Object.keys(t.Outputs)).toEqual(['EcsInstanceAsgName']);
  });

  it('adds the ALB, its target group and listener, and their outputs with a load balancer', () => {
    const a = variants['load balancer, key pair, new role, several ingress rules']!;
    const t = cloudFormationTemplate(a);
    for (const r of [
      'AlbSecurityGroup',
      'EcsElasticLoadBalancer',
      'DefaultTargetGroup',
      'LoadBalancerListener',
      'EcsInstanceRole',
      'EcsInstanceProfile',
    ]) {
      expect(t.Resources[r], r).toBeDefined();
    }
    expect(t.Parameters['IamRoleInstanceProfile']).toBeUndefined();
    expect(Object.keys(t.Outputs).sort()).toEqual([
      'EcsElbName',
      'EcsInstanceAsgName',
      'LoadBalancerDNS',
      'TargetGroupArn',
    ]);
    expect(t.Parameters['TargetGroupHealthCheckPath']?.['Default']).toBe('/healthz');
    expect(t.Parameters['ElbPort']?.['Default']).toBe(8000);
    const sg = t.Resources['EcsSecurityGroup']?.['Properties'] as Record<string, Json[]>;
    expect(sg['SecurityGroupIngress']).toHaveLength(4); // three rules + everything from the ALB
    expect(stackParameters(a)).toEqual(
      expect.arrayContaining([
        { ParameterKey: 'KeyName', ParameterValue: "ops key 'main'" },
        { ParameterKey: 'EcsPort3', ParameterValue: '22' },
        { ParameterKey: 'SourceCidr3', ParameterValue: '203.0.113.0/24' },
        { ParameterKey: 'AsgMaxSize', ParameterValue: '3' },
      ]),
    );
    expect(stackParameters(a).map((p) => p.ParameterKey)).not.toContain('EcsAmiId');
  });

  it('on Fargate holds only the service: LaunchType FARGATE and its awsvpc network, no instances', () => {
    const t = cloudFormationTemplate(variants['fargate, security groups, no public IP, circuit breaker']!);
    expect(Object.keys(t.Resources)).toEqual(['EcsService']);
    expect(JSON.stringify(t)).not.toMatch(/AutoScaling|LaunchConfiguration|UserData/);
    expect(t.Resources['EcsService']).toEqual({
      Type: 'AWS::ECS::Service',
      Properties: {
        Cluster: { Ref: 'EcsClusterName' },
        ServiceName: 'sample-webapp',
        TaskDefinition: { Ref: 'TaskDefinition' },
        DesiredCount: { Ref: 'DesiredCount' },
        LaunchType: 'FARGATE',
        DeploymentConfiguration: {
          MaximumPercent: 200,
          MinimumHealthyPercent: 100,
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        },
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: { Ref: 'Subnets' },
            SecurityGroups: { Ref: 'SecurityGroups' },
            AssignPublicIp: { Ref: 'AssignPublicIp' },
          },
        },
      },
    });
    expect(t.Outputs['ServiceArn']).toEqual({
      Description: 'The ECS service the stack created.',
      Value: { Ref: 'EcsService' },
    });
    expect(stackParameters(variants['fargate, security groups, no public IP, circuit breaker']!)).toEqual([
      { ParameterKey: 'EcsClusterName', ParameterValue: 'default' },
      { ParameterKey: 'TaskDefinition', ParameterValue: 'console-sample-app-static' },
      { ParameterKey: 'DesiredCount', ParameterValue: '1' },
      { ParameterKey: 'Subnets', ParameterValue: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1' },
      { ParameterKey: 'AssignPublicIp', ParameterValue: 'DISABLED' },
      { ParameterKey: 'SecurityGroups', ParameterValue: 'sg-0123456789abcdef0' },
    ]);
    // No security group chosen: the VPC's default, so neither the parameter nor the property.
    const plain = cloudFormationTemplate(variants['fargate']!);
    expect(plain.Parameters).not.toHaveProperty('SecurityGroups');
    expect(JSON.stringify(plain.Resources)).not.toContain('SecurityGroups');
  });

  it('on Fargate behind a load balancer adds the ALB, an ip target group and a group that lets it in', () => {
    const t = cloudFormationTemplate(variants['fargate behind a load balancer']!);
    const r = t.Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown>; DependsOn?: string }
    >;
    expect(r['DefaultTargetGroup']?.Properties).toMatchObject({
      TargetType: 'ip',
      Port: 8080,
      VpcId: { Ref: 'VpcId' },
      HealthCheckPath: { Ref: 'TargetGroupHealthCheckPath' },
    });
    expect(r['EcsElasticLoadBalancer']?.Properties['Subnets']).toEqual({ Ref: 'Subnets' });
    expect(r['TaskSecurityGroup']?.Properties['SecurityGroupIngress']).toEqual([
      expect.objectContaining({
        FromPort: 8080,
        ToPort: 8080,
        SourceSecurityGroupId: { Ref: 'AlbSecurityGroup' },
      }),
    ]);
    const service = r['EcsService']!;
    expect(service.DependsOn).toBe('LoadBalancerListener');
    expect(service.Properties['LoadBalancers']).toEqual([
      { TargetGroupArn: { Ref: 'DefaultTargetGroup' }, ContainerName: 'simple-app', ContainerPort: 8080 },
    ]);
    // The operator's groups and the stack's own, as one list.
    expect(service.Properties['NetworkConfiguration']).toMatchObject({
      AwsvpcConfiguration: {
        SecurityGroups: {
          'Fn::Split': [
            ',',
            {
              'Fn::Join': [
                ',',
                [{ 'Fn::Join': [',', { Ref: 'SecurityGroups' }] }, { Ref: 'TaskSecurityGroup' }],
              ],
            },
          ],
        },
      },
    });
    expect(t.Parameters?.['VpcId']).toMatchObject({
      Type: 'AWS::EC2::VPC::Id',
      Default: 'vpc-0123456789abcdef0',
    });
    expect(Object.keys(t.Outputs ?? {})).toEqual(['ServiceArn', 'LoadBalancerDNS', 'TargetGroupArn']);
    const plain = cloudFormationTemplate(
      variants['fargate behind a load balancer, the default security group']!,
    );
    expect(
      (plain.Resources as Record<string, { Properties: Record<string, unknown> }>)['EcsService']?.Properties[
        'NetworkConfiguration'
      ],
    ).toMatchObject({ AwsvpcConfiguration: { SecurityGroups: [{ Ref: 'TaskSecurityGroup' }] } });
  });

  it('on Fargate with auto scaling adds the scalable target and the CPU target-tracking policy', () => {
    const t = cloudFormationTemplate(variants['fargate with auto scaling']!);
    expect(Object.keys(t.Resources)).toEqual(['EcsService', 'EcsScalableTarget', 'EcsCpuScalingPolicy']);
    expect(t.Resources['EcsScalableTarget']).toEqual({
      Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
      Properties: {
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: {
          'Fn::Join': ['/', ['service', { Ref: 'EcsClusterName' }, { 'Fn::GetAtt': ['EcsService', 'Name'] }]],
        },
        MinCapacity: 1,
        MaxCapacity: 6,
      },
    });
    expect(t.Resources['EcsCpuScalingPolicy']).toEqual({
      Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
      Properties: {
        PolicyName: 'sample-webapp-cpu-target-tracking',
        PolicyType: 'TargetTrackingScaling',
        ScalingTargetId: { Ref: 'EcsScalableTarget' },
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 50,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          ScaleOutCooldown: 60,
          ScaleInCooldown: 300,
        },
      },
    });
    // On EC2 the service is created after the stack, so the scaling is two calls, not resources.
    const ec2 = cloudFormationTemplate(variants['auto scaling on EC2 (calls, not resources)']!);
    expect(JSON.stringify(ec2)).not.toContain('ApplicationAutoScaling');
  });

  it('stays under the 51,200-byte TemplateBody limit with the largest answers', () => {
    const largest = variant((a) => {
      const long = 'x'.repeat(255);
      a.cluster = {
        ...a.cluster,
        name: long,
        keyName: long,
        instanceType: 'm5.xlarge',
        instanceRole: { kind: 'existing', name: 'r'.repeat(128) },
        ingress: Array.from({ length: MAX_INGRESS_RULES }, (_, i) => ({
          port: 60000 + i,
          cidr: '255.255.255.255/32',
        })),
      };
      a.service.loadBalancer = {
        containerName: 'simple-app',
        containerPort: 80,
        listenerPort: 65535,
        healthCheckPath: `/${'h'.repeat(1023)}`,
      };
    });
    const t = cloudFormationTemplate(largest);
    expect(new TextEncoder().encode(templateToJson(t)).length).toBeLessThan(51_200);
    expect(new TextEncoder().encode(templateToYaml(t)).length).toBeLessThan(51_200);
    expect(Object.keys(t.Parameters).length).toBeLessThanOrEqual(200);
  });

  it.each(Object.entries(variants))(
    'YAML (short-form tags) and JSON are the same template: %s',
    (_name, a) => {
      const t = cloudFormationTemplate(a);
      const yaml = templateToYaml(t);
      if (a.cluster.launchType === 'FARGATE') {
        expect(yaml).toContain('AssignPublicIp: !Ref AssignPublicIp');
      } else {
        expect(yaml).toContain('!Ref EcsSecurityGroup');
        expect(yaml).toContain('!Base64\n        Fn::Sub: |');
      }
      expect(yaml).toMatch(/^AWSTemplateFormatVersion: "2010-09-09"$/m);
      expect(parse(yaml, { customTags: yamlTags })).toEqual(t);
      expect(JSON.parse(templateToJson(t))).toEqual(t);
    },
  );

  describe.skipIf(!requireTool('cfn-lint', 'generated templates with cfn-lint'))('cfn-lint', () => {
    const dir = mkdtempSync(join(tmpdir(), 'blueprint-cfn-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('passes every generated template, JSON and YAML, without errors or warnings', async () => {
      const files: string[] = [];
      Object.entries(variants).forEach(([name, a], i) => {
        const t = cloudFormationTemplate(a);
        const base = join(dir, `${i}-${name.replace(/\W+/g, '-')}`);
        writeFileSync(`${base}.json`, templateToJson(t));
        writeFileSync(`${base}.yaml`, templateToYaml(t));
        files.push(`${base}.json`, `${base}.yaml`);
      });
      // One cfn-lint process for all files: it takes seconds to start.
      const result = await promisify(execFile)('cfn-lint', ['--', ...files], { timeout: 120_000 }).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (err: { code?: number; stdout?: string; stderr?: string }) => ({
          code: err.code ?? -1,
          out: `${err.stdout}${err.stderr}`,
        }),
      );
      expect(result.out).toBe('');
      expect(result.code).toBe(0);
    }, 120_000);
  });
});
