/** One ApplicationAutoScalingClient per region, pointed at the console server. Import only from lazily loaded code. */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { regionalClients } from './client-config';

// This client's release pins another @smithy/types than the others: its middleware stack is the same
// at run time, only its declared plugin type differs, hence the wrapper.
const clients = regionalClients('application-autoscaling', (config) => {
  const client = new ApplicationAutoScalingClient(config);
  return { client, middlewareStack: client.middlewareStack as never };
});

export const appAutoScalingClient = (region: string): ApplicationAutoScalingClient => clients(region).client;
