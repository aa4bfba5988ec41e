/**
 * One IAMClient per region, pointed at the console server. Import this module only from lazily loaded
 * code. Take its commands from here, not from `import('@aws-sdk/client-iam')`: a dynamic
 * import of the package's namespace keeps every command, waiter and paginator; named re-exports keep
 * these.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { regionalClients } from './client-config';

export { ListInstanceProfilesCommand } from '@aws-sdk/client-iam';

export const iamClient = regionalClients('iam', (config) => new IAMClient(config));
