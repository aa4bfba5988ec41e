/**
 * EC2 (ec2Query): instances with a real lifecycle and loopback addresses, the default VPC of each
 * region, networking records, key pairs, launch templates, tags and the ECS-optimized image. The
 * endpoint checks every input against the model (shapes.gen.ts) before an action runs; actions live
 * by resource in this folder and share a `Scope` (common.ts).
 */
import type { LocalDeps } from '../deps';
import { ec2Validation } from '../protocol/model/validation-styles';
import type { ActionHandler, ServiceDefinition } from '../protocol/types';
import { describeAvailabilityZones, describeImages, describeInstanceTypes, describeRegions } from './catalog';
import { scopeOf, type Scope } from './common';
import { describeInstances, describeInstanceStatus, runInstances, terminateInstances } from './instances';
import {
  attachInternetGateway,
  createInternetGateway,
  deleteInternetGateway,
  describeInternetGateways,
  detachInternetGateway,
} from './internet-gateways';
import {
  attachNetworkInterface,
  createNetworkInterface,
  deleteNetworkInterface,
  describeNetworkInterfaces,
  detachNetworkInterface,
} from './network-interfaces';
import { createKeyPair, deleteKeyPair, describeKeyPairs, importKeyPair } from './key-pairs';
import {
  createLaunchTemplate,
  createLaunchTemplateVersion,
  deleteLaunchTemplate,
  describeLaunchTemplates,
  describeLaunchTemplateVersions,
  modifyLaunchTemplate,
} from './launch-templates';
import { createInstanceLifecycle } from './lifecycle';
import { ec2Store } from './model';
import {
  associateRouteTable,
  createRoute,
  createRouteTable,
  deleteRoute,
  deleteRouteTable,
  describeRouteTables,
  disassociateRouteTable,
} from './route-tables';
import {
  authorizeSecurityGroupEgress,
  authorizeSecurityGroupIngress,
  createSecurityGroup,
  deleteSecurityGroup,
  describeSecurityGroups,
  revokeSecurityGroupEgress,
  revokeSecurityGroupIngress,
} from './security-groups';
import { model } from './shapes.gen';
import { createSubnet, deleteSubnet, describeSubnets, modifySubnetAttribute } from './subnets';
import { createTags, deleteTags, describeTags } from './tags';
import { createVpc, deleteVpc, describeVpcs } from './vpcs';

export { ECS_OPTIMIZED_AMI } from './catalog';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action takes its own request shape, checked against the model by the endpoint
type Action = (s: Scope, input: any) => unknown;

export function createEc2Service(deps: LocalDeps): ServiceDefinition {
  const store = ec2Store(deps.db);
  const lifecycle = createInstanceLifecycle(deps, store);
  const ACTIONS: Record<string, Action> = {
    RunInstances: runInstances(lifecycle),
    TerminateInstances: terminateInstances(lifecycle),
    DescribeInstances: describeInstances,
    DescribeInstanceStatus: describeInstanceStatus,
    CreateNetworkInterface: createNetworkInterface,
    DeleteNetworkInterface: deleteNetworkInterface,
    DescribeNetworkInterfaces: describeNetworkInterfaces,
    AttachNetworkInterface: attachNetworkInterface,
    DetachNetworkInterface: detachNetworkInterface,
    CreateVpc: createVpc,
    DeleteVpc: deleteVpc,
    DescribeVpcs: describeVpcs,
    CreateSubnet: createSubnet,
    ModifySubnetAttribute: modifySubnetAttribute,
    DeleteSubnet: deleteSubnet,
    DescribeSubnets: describeSubnets,
    CreateInternetGateway: createInternetGateway,
    AttachInternetGateway: attachInternetGateway,
    DetachInternetGateway: detachInternetGateway,
    DeleteInternetGateway: deleteInternetGateway,
    DescribeInternetGateways: describeInternetGateways,
    CreateRouteTable: createRouteTable,
    CreateRoute: createRoute,
    DeleteRoute: deleteRoute,
    AssociateRouteTable: associateRouteTable,
    DisassociateRouteTable: disassociateRouteTable,
    DeleteRouteTable: deleteRouteTable,
    DescribeRouteTables: describeRouteTables,
    CreateSecurityGroup: createSecurityGroup,
    AuthorizeSecurityGroupIngress: authorizeSecurityGroupIngress,
    AuthorizeSecurityGroupEgress: authorizeSecurityGroupEgress,
    RevokeSecurityGroupIngress: revokeSecurityGroupIngress,
    RevokeSecurityGroupEgress: revokeSecurityGroupEgress,
    DeleteSecurityGroup: deleteSecurityGroup,
    DescribeSecurityGroups: describeSecurityGroups,
    DescribeAvailabilityZones: describeAvailabilityZones,
    DescribeInstanceTypes: describeInstanceTypes,
    DescribeRegions: describeRegions,
    DescribeImages: describeImages,
    CreateKeyPair: createKeyPair,
    ImportKeyPair: importKeyPair,
    DescribeKeyPairs: describeKeyPairs,
    DeleteKeyPair: deleteKeyPair,
    CreateLaunchTemplate: createLaunchTemplate,
    DeleteLaunchTemplate: deleteLaunchTemplate,
    DescribeLaunchTemplates: describeLaunchTemplates,
    DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
    CreateLaunchTemplateVersion: createLaunchTemplateVersion,
    ModifyLaunchTemplate: modifyLaunchTemplate,
    CreateTags: createTags,
    DeleteTags: deleteTags,
    DescribeTags: describeTags,
  };
  const actions: Record<string, ActionHandler> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    actions[name] = (input, ctx) => action(scopeOf(deps, store, ctx), input);
  }
  return { id: 'ec2', model, validation: ec2Validation, actions, background: lifecycle };
}
