/**
 * Seeding for the action journeys (e2e/actions.spec.ts), through the AWS API on the console server (SigV4
 * to `/`). Every journey makes its own uniquely named cluster, so it depends on no other spec; nothing
 * here resets the shared server.
 *
 * Capacity is chosen so that placement is deterministic: an instance registers 512 MiB and each task
 * needs 256, so an instance holds exactly two tasks.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { addInstances, consoleUrl, waitFor } from './dashboard-world';

/** Memory one task reserves, and what one instance registers: two tasks fill an instance. */
export const TASK_MEMORY = 256;
const INSTANCE_MEMORY = 2 * TASK_MEMORY;

export interface ActionWorld {
  ecs: ECSClient;
  ec2: EC2Client;
  elbv2: ElasticLoadBalancingV2Client;
  cfn: CloudFormationClient;
  /** A short unique suffix for this world's names (≤ 32 characters for load balancer names). */
  suffix: string;
  /** Creates a cluster `<prefix>-<suffix>` and returns its name. */
  createCluster(prefix: string): Promise<string>;
  /** Launches one EC2 instance and registers it in `cluster` with room for two tasks; its EC2 id. */
  addInstance(cluster: string): Promise<string>;
  /** Registers a one-container task definition (container `web`, port 80 on a dynamic host port). */
  registerFamily(family: string): Promise<string>;
  /** An ALB on two default subnets, a target group, and a listener on `port` forwarding to it. */
  createLoadBalancer(
    name: string,
    port: number,
  ): Promise<{ targetGroupArn: string; dnsName: string; loadBalancerName: string; targetGroupName: string }>;
  describeService(cluster: string, service: string): Promise<Service | undefined>;
  /** Waits until `service` runs `count` tasks, none pending, in one deployment that has COMPLETED. */
  waitSteady(cluster: string, service: string, count: number): Promise<Service | undefined>;
  destroy(): void;
}

export function createActionWorld(): ActionWorld {
  const options = {
    region: 'us-east-1',
    endpoint: consoleUrl(),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const ecs = new ECSClient(options);
  const ec2 = new EC2Client(options);
  const elbv2 = new ElasticLoadBalancingV2Client(options);
  const cfn = new CloudFormationClient(options);
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

  const describeService = async (cluster: string, service: string) =>
    (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0];

  return {
    ecs,
    ec2,
    elbv2,
    cfn,
    suffix,
    async createCluster(prefix) {
      const name = `${prefix}-${suffix}`;
      await ecs.send(new CreateClusterCommand({ clusterName: name }));
      return name;
    },
    async addInstance(cluster) {
      const [id] = await addInstances(ec2, ecs, cluster, 1, INSTANCE_MEMORY);
      return id as string;
    },
    async registerFamily(family) {
      const out = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          containerDefinitions: [
            {
              name: 'web',
              image: 'public.ecr.aws/nginx/nginx:1.27',
              essential: true,
              cpu: 128,
              memory: TASK_MEMORY,
              portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
            },
          ],
        }),
      );
      return out.taskDefinition?.taskDefinitionArn ?? '';
    },
    async createLoadBalancer(name, port) {
      const vpc = (
        await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'isDefault', Values: ['true'] }] }))
      ).Vpcs?.[0]?.VpcId;
      if (!vpc) throw new Error('No default VPC');
      const subnets =
        (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] })))
          .Subnets ?? [];
      // One subnet per availability zone: an ALB needs two zones.
      const byZone = new Map(subnets.map((s) => [s.AvailabilityZone ?? '', s.SubnetId ?? '']));
      const lb = (
        await elbv2.send(
          new CreateLoadBalancerCommand({ Name: name, Type: 'application', Subnets: [...byZone.values()] }),
        )
      ).LoadBalancers?.[0];
      const tg = (
        await elbv2.send(
          new CreateTargetGroupCommand({
            Name: `${name}-tg`,
            Protocol: 'HTTP',
            Port: 80,
            VpcId: vpc,
            TargetType: 'instance',
            HealthCheckPath: '/health',
          }),
        )
      ).TargetGroups?.[0];
      if (!lb?.LoadBalancerArn || !tg?.TargetGroupArn) throw new Error('The load balancer was not created');
      await elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancerArn,
          Protocol: 'HTTP',
          Port: port,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroupArn }],
        }),
      );
      return {
        targetGroupArn: tg.TargetGroupArn,
        targetGroupName: tg.TargetGroupName ?? '',
        loadBalancerName: lb.LoadBalancerName ?? '',
        dnsName: lb.DNSName ?? '',
      };
    },
    describeService,
    waitSteady: (cluster, service, count) =>
      waitFor(
        `service ${service} steady with ${count} tasks`,
        () => describeService(cluster, service),
        (s) =>
          s?.runningCount === count &&
          s.pendingCount === 0 &&
          s.deployments?.length === 1 &&
          s.deployments[0]?.rolloutState === 'COMPLETED',
        30_000,
      ),
    destroy() {
      ecs.destroy();
      ec2.destroy();
      elbv2.destroy();
      cfn.destroy();
    },
  };
}
