/** One IAMClient per region, pointed at the console server. Import this module only from lazily loaded code. */
import { IAMClient } from '@aws-sdk/client-iam';
import { clientConfig, consoleHeaderPlugin } from './client-config';

const clients = new Map<string, IAMClient>();

export function iamClient(region: string): IAMClient {
  let client = clients.get(region);
  if (!client) {
    client = new IAMClient(clientConfig('iam', region));
    client.middlewareStack.use(consoleHeaderPlugin);
    clients.set(region, client);
  }
  return client;
}
