/**
 * The resource types the local control plane can create, by CloudFormation type name.
 *
 * Adding a type: one module exporting a `ResourceProvider` (see types.ts) that calls the other
 * services only through `ctx.call` with their wire shapes; list its Fn::GetAtt attributes; set
 * `nameProperty`/`generatedNameLength` when the service takes a name (and `find`, so a restart can
 * recover a create in flight); call `ctx.created(id)` after the first call of a multi-step create;
 * make `delete` succeed when the resource is already gone; mark `createOnly` properties (or leave out
 * `update`: then every change replaces). Register it below and add a fixture that passes cfn-lint.
 */
import { applicationScalingPolicy, scalableTarget } from './application-autoscaling';
import { autoScalingGroup } from './autoscaling-group';
import { launchConfiguration } from './autoscaling-launch-configuration';
import { autoScalingPolicy } from './autoscaling-scaling-policy';
import { cloudWatchAlarm } from './cloudwatch-alarm';
import { instance } from './ec2-instance';
import { internetGateway, vpcGatewayAttachment } from './ec2-internet-gateway';
import { launchTemplate } from './ec2-launch-template';
import { route, routeTable, subnetRouteTableAssociation } from './ec2-route-table';
import { securityGroup, securityGroupIngress } from './ec2-security-group';
import { subnet } from './ec2-subnet';
import { vpc } from './ec2-vpc';
import { capacityProvider, clusterCapacityProviderAssociations } from './ecs-capacity-provider';
import { ecsCluster } from './ecs-cluster';
import { ecsService } from './ecs-service';
import { taskDefinition } from './ecs-task-definition';
import { ecsPrimaryTaskSet, ecsTaskSet } from './ecs-task-set';
import { classicLoadBalancer } from './elb-classic-load-balancer';
import { listener } from './elbv2-listener';
import { loadBalancerV2 } from './elbv2-load-balancer';
import { targetGroup } from './elbv2-target-group';
import { instanceProfile } from './iam-instance-profile';
import { policy } from './iam-policy';
import { role } from './iam-role';
import { logGroup } from './logs-log-group';
import type { ResourceProvider } from './types';

const ALL: ResourceProvider[] = [
  vpc,
  subnet,
  internetGateway,
  vpcGatewayAttachment,
  routeTable,
  route,
  subnetRouteTableAssociation,
  securityGroup,
  securityGroupIngress,
  launchTemplate,
  instance,
  launchConfiguration,
  autoScalingGroup,
  role,
  instanceProfile,
  policy,
  loadBalancerV2,
  targetGroup,
  listener,
  classicLoadBalancer,
  ecsCluster,
  capacityProvider,
  clusterCapacityProviderAssociations,
  taskDefinition,
  ecsService,
  ecsTaskSet,
  ecsPrimaryTaskSet,
  logGroup,
  cloudWatchAlarm,
  scalableTarget,
  applicationScalingPolicy,
  autoScalingPolicy,
];

const BY_TYPE = new Map(ALL.map((p) => [p.type, p]));

export const resourceProvider = (type: string): ResourceProvider | undefined => BY_TYPE.get(type);
