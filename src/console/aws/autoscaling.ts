/**
 * One AutoScalingClient per region, pointed at the console server. Import this module only from lazily
 * loaded code. Take its commands from here, not from `import('@aws-sdk/client-auto-scaling')`: a dynamic
 * import of the package's namespace keeps every command, waiter and paginator; named re-exports keep
 * these.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { regionalClients } from './client-config';

export { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';

export const autoScalingClient = regionalClients('autoscaling', (config) => new AutoScalingClient(config));
