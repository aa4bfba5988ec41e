/**
 * EC2 (ec2Query): instances with a real lifecycle and loopback addresses, the default VPC of each
 * region, networking records, key pairs, launch templates, tags and the ECS-optimized image.
 */
import type { LocalDeps } from '../deps';
import type { ServiceDefinition } from '../protocol/types';
import { catalogActions } from './catalog';
import { Ec2Context } from './context';
import { instanceActions } from './instances';
import { createInstanceLifecycle } from './lifecycle';
import { ec2Store } from './model';
import { networkActions } from './network';

export { ECS_OPTIMIZED_AMI } from './catalog';

export function createEc2Service(deps: LocalDeps): ServiceDefinition {
  const store = ec2Store(deps.db);
  const context = new Ec2Context(deps, store);
  const lifecycle = createInstanceLifecycle(deps, store);
  return {
    id: 'ec2',
    protocol: 'ec2',
    xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
    actions: {
      ...instanceActions(context, lifecycle),
      ...networkActions(context),
      ...catalogActions(context),
    },
    background: lifecycle,
  };
}
