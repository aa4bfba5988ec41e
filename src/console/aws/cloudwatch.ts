/** One CloudWatchClient per region, pointed at the console server (awsJson 1.0). Import only from lazily loaded code. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { regionalClients } from './client-config';

export const cloudWatchClient = regionalClients('monitoring', (config) => new CloudWatchClient(config));
