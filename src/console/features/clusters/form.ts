/**
 * "Create cluster": its values and the calls it makes. EC2 capacity is an Auto Scaling group created by a
 * CloudFormation stack, the same template as the wizard's (src/blueprint); Fargate-only asks for the
 * FARGATE and FARGATE_SPOT capacity providers; empty is the cluster alone.
 */
import { z } from 'zod';
import {
  cloudFormationTemplate,
  defaultAnswers,
  instanceTypes,
  isValidIpv4Cidr,
  stackName,
  stackParameters,
  templateToJson,
  type WizardAnswers,
} from '../../../blueprint';
import type { ApiCall } from '../../../blueprint/cli-command';
import { intText, tagRowSchema } from '../../lib/form-values';

export const clusterFormSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,255}$/, 'A cluster name has 1-255 letters, digits, hyphens or underscores.'),
  infrastructure: z.enum(['ec2', 'fargate', 'empty']),
  containerInsights: z.boolean(),
  instanceType: z.enum(instanceTypes.map((t) => t.name) as [string, ...string[]]),
  instanceCount: intText('the number of instances', 1, 100),
  keyName: z.string(),
  ingressPort: intText('the inbound port', 1, 65535),
  ingressCidr: z.string().refine(isValidIpv4Cidr, 'Enter a CIDR block, e.g. 0.0.0.0/0.'),
  instanceRole: z.string().min(1, 'Choose an instance role.'),
  tags: z.array(tagRowSchema).max(50),
});

export type ClusterForm = z.infer<typeof clusterFormSchema>;

export const CREATE_ROLE = '__create__';

export const emptyClusterForm: ClusterForm = {
  name: '',
  infrastructure: 'ec2',
  containerInsights: false,
  instanceType: 't2.micro',
  instanceCount: '1',
  keyName: '',
  ingressPort: '80',
  ingressCidr: '0.0.0.0/0',
  instanceRole: 'ecsInstanceRole',
  tags: [],
};

/** The wizard's answers for the cluster part (the template reads only the cluster and the load balancer). */
function answersOf(v: ClusterForm): WizardAnswers {
  return {
    ...defaultAnswers,
    service: { ...defaultAnswers.service, loadBalancer: undefined },
    cluster: {
      name: v.name,
      instanceType: v.instanceType as WizardAnswers['cluster']['instanceType'],
      instanceCount: Number(v.instanceCount),
      ...(v.keyName ? { keyName: v.keyName } : {}),
      ingress: [{ port: Number(v.ingressPort), cidr: v.ingressCidr }],
      instanceRole:
        v.instanceRole === CREATE_ROLE ? { kind: 'create' } : { kind: 'existing', name: v.instanceRole },
    },
  };
}

/** CreateCluster, then (EC2) CreateStack: exactly what "Create" sends, in order. */
export function clusterCalls(v: ClusterForm): ApiCall[] {
  const fargate = v.infrastructure === 'fargate';
  const createCluster = {
    clusterName: v.name,
    ...(v.containerInsights && { settings: [{ name: 'containerInsights', value: 'enabled' }] }),
    ...(fargate && {
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    }),
    ...(v.tags.length > 0 && { tags: v.tags.map((t) => ({ key: t.key, value: t.value })) }),
  };
  const calls: ApiCall[] = [{ service: 'ecs', operation: 'CreateCluster', input: createCluster }];
  if (v.infrastructure === 'ec2') {
    const answers = answersOf(v);
    calls.push({
      service: 'cloudformation',
      operation: 'CreateStack',
      input: {
        StackName: stackName(answers),
        TemplateBody: templateToJson(cloudFormationTemplate(answers)),
        Parameters: stackParameters(answers),
        Capabilities: ['CAPABILITY_IAM'],
      },
    });
  }
  return calls;
}
