import type { LocalDeps } from '../deps';
import type { ServiceDefinition } from '../protocol/types';

export function createIamService(_deps: LocalDeps): ServiceDefinition {
  return { id: 'iam', protocol: 'query', xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/', actions: {} };
}
