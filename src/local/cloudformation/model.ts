/** CloudFormation records (stacks, resources, events, exports, log groups) and their collections. */
import type { Db } from '../store/db';
import type { Collection } from '../store/collection';
import type { Plain } from './template/intrinsics';
import type { ResolvedParameter } from './template/parameters';

export type StackStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_FAILED'
  | 'ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_FAILED'
  | 'UPDATE_ROLLBACK_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_FAILED'
  | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE';

export const STACK_STATUSES: readonly StackStatus[] = [
  'CREATE_IN_PROGRESS',
  'CREATE_FAILED',
  'CREATE_COMPLETE',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_FAILED',
  'ROLLBACK_COMPLETE',
  'DELETE_IN_PROGRESS',
  'DELETE_FAILED',
  'DELETE_COMPLETE',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_COMPLETE',
  'UPDATE_FAILED',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_FAILED',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE',
];

export const isInProgress = (s: StackStatus): boolean => s.endsWith('_IN_PROGRESS');

export type ResourceStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'DELETE_SKIPPED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_FAILED'
  | 'UPDATE_COMPLETE';

export type OnFailure = 'ROLLBACK' | 'DELETE' | 'DO_NOTHING';

export interface Tag {
  Key: string;
  Value: string;
}

export interface OutputRecord {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
  ExportName?: string;
}

/** The state a resource had before the current update touched it. */
export interface PhysicalState {
  physicalId?: string;
  name?: string;
  properties: Record<string, Plain>;
  attributes: Record<string, Plain>;
  type: string;
  dependsOn: string[];
}

export interface StackRecord {
  stackId: string;
  stackName: string;
  region: string;
  accountId: string;
  status: StackStatus;
  statusReason?: string;
  templateBody: string;
  description?: string;
  parameters: Record<string, ResolvedParameter>;
  capabilities: string[];
  onFailure: OnFailure;
  tags: Tag[];
  notificationArns: string[];
  outputs: OutputRecord[];
  /** Export names this stack imports (Fn::ImportValue), so their exporters cannot remove them. */
  imports: string[];
  /** Availability zones seen when the operation started (Fn::GetAZs). */
  availabilityZones: string[];
  createdAt: number;
  /** CreateStack's TimeoutInMinutes, as a deadline (epoch ms). */
  timeoutAt?: number;
  updatedAt?: number;
  deletedAt?: number;
  /** Increments with each UpdateStack: resources touched by the current update carry it. */
  generation: number;
  /** UpdateStack: the configuration to return to when the update rolls back. */
  previous?: {
    templateBody: string;
    description?: string;
    parameters: Record<string, ResolvedParameter>;
    capabilities: string[];
    tags: Tag[];
    outputs: OutputRecord[];
    imports: string[];
  };
  clientRequestToken?: string;
}

export interface ResourceRecord extends PhysicalState {
  /** `${stackId}|${logicalId}` */
  id: string;
  stackId: string;
  logicalId: string;
  status: ResourceStatus;
  statusReason?: string;
  updatedAt: number;
  /** The stack generation that last touched the resource (see StackRecord.generation). */
  generation: number;
  /** The generation whose operation created the resource (update rollback deletes what the update created). */
  createdGeneration: number;
  /** The create call was (about to be) made: after a restart, look for the resource by name first. */
  createStarted?: boolean;
  /** Set while an update has replaced or changed the resource: what it was before. */
  prior?: PhysicalState;
  /** Update rollback: the replacement to delete during cleanup. */
  discard?: PhysicalState;
  deletionPolicy?: string;
}

export interface EventRecord {
  id: string;
  stackId: string;
  stackName: string;
  eventId: string;
  logicalId: string;
  physicalId?: string;
  type: string;
  status: string;
  reason?: string;
  properties?: string;
  timestamp: number;
  clientRequestToken?: string;
}

export interface ExportRecord {
  /** `${region}|${name}` */
  id: string;
  region: string;
  name: string;
  value: string;
  stackId: string;
}

export interface CfnStore {
  db: Db;
  stacks: Collection<StackRecord>;
  resources: Collection<ResourceRecord>;
  events: Collection<EventRecord>;
  exports: Collection<ExportRecord>;
}

export function cfnStore(db: Db): CfnStore {
  return {
    db,
    stacks: db.collection<StackRecord>('cfn_stacks', [
      { name: 'name', key: (s) => `${s.region}|${s.stackName}` },
      { name: 'active', key: (s) => (s.status === 'DELETE_COMPLETE' ? null : `${s.region}|${s.stackName}`) },
      { name: 'status', key: (s) => s.status },
    ]),
    resources: db.collection<ResourceRecord>('cfn_resources', [
      { name: 'stack', key: (r) => r.stackId },
      { name: 'physical', key: (r) => r.physicalId ?? null },
    ]),
    events: db.collection<EventRecord>('cfn_events', [{ name: 'stack', key: (e) => e.stackId }]),
    exports: db.collection<ExportRecord>('cfn_exports', [
      { name: 'region', key: (e) => e.region },
      { name: 'stack', key: (e) => e.stackId },
    ]),
  };
}

export const resourceKey = (stackId: string, logicalId: string): string => `${stackId}|${logicalId}`;
