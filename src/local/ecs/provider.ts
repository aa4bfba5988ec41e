import type { LocalDeps } from '../deps';
import type { ServiceDefinition } from '../protocol/types';

export function createEcsService(_deps: LocalDeps): ServiceDefinition {
  return { id: 'ecs', protocol: 'json', targetPrefix: 'AmazonEC2ContainerServiceV20141113', actions: {} };
}
