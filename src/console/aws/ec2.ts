/** One EC2Client per region, pointed at the console server. Import this module only from lazily loaded code. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { regionalClients } from './client-config';

export const ec2Client = regionalClients('ec2', (config) => new EC2Client(config));
