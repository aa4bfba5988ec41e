/**
 * One ApplicationAutoScalingClient per region, pointed at the console server. Import only from lazily
 * loaded code. Take its commands from here, not from `import('@aws-sdk/client-application-auto-scaling')`: a dynamic
 * import of the package's namespace keeps every command, waiter and paginator; named re-exports keep
 * these.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { regionalClients } from './client-config';

export {
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';

// This client's release pins another @smithy/types than the others: its middleware stack is the same
// at run time, only its declared plugin type differs, hence the wrapper.
const clients = regionalClients('application-autoscaling', (config) => {
  const client = new ApplicationAutoScalingClient(config);
  return { client, middlewareStack: client.middlewareStack as never };
});

export const appAutoScalingClient = (region: string): ApplicationAutoScalingClient => clients(region).client;
