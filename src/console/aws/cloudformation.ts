/** One CloudFormationClient per region, pointed at the console server. Import this module only from lazily loaded code. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { regionalClients } from './client-config';

export const cloudFormationClient = regionalClients(
  'cloudformation',
  (config) => new CloudFormationClient(config),
);
