/** One IAMClient per region, pointed at the console server. Import this module only from lazily loaded code. */
import { IAMClient } from '@aws-sdk/client-iam';
import { regionalClients } from './client-config';

export const iamClient = regionalClients('iam', (config) => new IAMClient(config));
