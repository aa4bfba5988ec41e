/** One EC2Client per region, pointed at the console server. Import this module only from lazily loaded code. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { clientConfig, consoleHeaderPlugin } from './client-config';

const clients = new Map<string, EC2Client>();

export function ec2Client(region: string): EC2Client {
  let client = clients.get(region);
  if (!client) {
    client = new EC2Client(clientConfig('ec2', region));
    client.middlewareStack.use(consoleHeaderPlugin);
    clients.set(region, client);
  }
  return client;
}
