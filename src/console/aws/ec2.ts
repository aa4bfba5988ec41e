/**
 * One EC2Client per region, pointed at the console server, and the EC2 commands the console sends.
 * Import this module only from lazily loaded code, and take EC2 commands from here rather than
 * `import('@aws-sdk/client-ec2')`: a dynamic import of the package's namespace keeps all of its
 * ~600 commands, waiters and paginators (about 1 MB minified); named re-exports keep these few.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { regionalClients } from './client-config';

export {
  CreateKeyPairCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  ImportKeyPairCommand,
} from '@aws-sdk/client-ec2';

export const ec2Client = regionalClients('ec2', (config) => new EC2Client(config));
