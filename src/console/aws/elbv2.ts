/** One ElasticLoadBalancingV2Client per region, pointed at the console server. Import only from lazily loaded code. */
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { regionalClients } from './client-config';

export const elbv2Client = regionalClients(
  'elasticloadbalancingv2',
  (config) => new ElasticLoadBalancingV2Client(config),
);
