/** One CloudWatchLogsClient per region, pointed at the console server. Import this module only from lazily loaded code. */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { regionalClients } from './client-config';

export const logsClient = regionalClients('logs', (config) => new CloudWatchLogsClient(config));
