/** One ECSClient per region, pointed at the console server. Import this module only from lazily loaded code. */
import { ECSClient } from '@aws-sdk/client-ecs';
import { regionalClients } from './client-config';

export const ecsClient = regionalClients('ecs', (config) => new ECSClient(config));
