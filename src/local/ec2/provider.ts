import type { LocalDeps } from '../deps';
import type { ServiceDefinition } from '../protocol/types';

export function createEc2Service(_deps: LocalDeps): ServiceDefinition {
  return { id: 'ec2', protocol: 'ec2', xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', actions: {} };
}
