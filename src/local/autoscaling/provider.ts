import type { LocalDeps } from '../deps';
import type { ServiceDefinition } from '../protocol/types';

export function createAutoScalingService(_deps: LocalDeps): ServiceDefinition {
  return { id: 'autoscaling', protocol: 'query', xmlns: 'http://autoscaling.amazonaws.com/doc/2011-01-01/', actions: {} };
}
