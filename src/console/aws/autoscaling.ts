/** One AutoScalingClient per region, pointed at the console server. Import this module only from lazily loaded code. */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { regionalClients } from './client-config';

export const autoScalingClient = regionalClients('autoscaling', (config) => new AutoScalingClient(config));
