/** One ECSClient per region, pointed at the console server. Import this module only from lazily loaded code. */
import { ECSClient } from '@aws-sdk/client-ecs';
import { clientConfig, consoleHeaderPlugin } from './client-config';

const clients = new Map<string, ECSClient>();

export function ecsClient(region: string): ECSClient {
  let client = clients.get(region);
  if (!client) {
    client = new ECSClient(clientConfig('ecs', region));
    client.middlewareStack.use(consoleHeaderPlugin);
    clients.set(region, client);
  }
  return client;
}
