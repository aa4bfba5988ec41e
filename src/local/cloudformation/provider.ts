import type { LocalDeps } from '../deps';
import type { ServiceDefinition } from '../protocol/types';

export function createCloudFormationService(_deps: LocalDeps): ServiceDefinition {
  return { id: 'cloudformation', protocol: 'query', xmlns: 'http://cloudformation.amazonaws.com/doc/2010-05-15/', actions: {} };
}
