/** One CloudFormationClient per region, pointed at the console server. Import this module only from lazily loaded code. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { clientConfig, consoleHeaderPlugin } from './client-config';

const clients = new Map<string, CloudFormationClient>();

export function cloudFormationClient(region: string): CloudFormationClient {
  let client = clients.get(region);
  if (!client) {
    client = new CloudFormationClient(clientConfig('cloudformation', region));
    client.middlewareStack.use(consoleHeaderPlugin);
    clients.set(region, client);
  }
  return client;
}
