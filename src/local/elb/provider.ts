import type { LocalDeps } from '../deps';
import type { ServiceDefinition } from '../protocol/types';

export function createElbV2Service(_deps: LocalDeps): ServiceDefinition {
  return {
    id: 'elasticloadbalancingv2',
    protocol: 'query',
    version: '2015-12-01',
    xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
    actions: {},
  };
}

export function createElbClassicService(_deps: LocalDeps): ServiceDefinition {
  return {
    id: 'elasticloadbalancing',
    protocol: 'query',
    version: '2012-06-01',
    xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/',
    actions: {},
  };
}
