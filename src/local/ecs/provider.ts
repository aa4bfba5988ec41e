/**
 * The ECS provider (awsJson1_1, `AmazonEC2ContainerServiceV20141113.<Action>`). The endpoint checks
 * every action's input against the service model (`shapes.gen.ts`) before it runs, over the wire and
 * in process alike; the action then runs with a `Scope` for the caller's region and account. Handlers validate everything before they write, and write inside
 * one `deps.db.tx`, so a rejected call changes nothing.
 */
import type { LocalDeps } from '../deps';
import type { ActionHandler, ServiceDefinition } from '../protocol/types';
import {
  deleteAccountSetting,
  listAccountSettings,
  putAccountSetting,
  putAccountSettingDefault,
} from './account-settings';
import {
  createCluster,
  deleteCluster,
  describeClusters,
  listClusters,
  putClusterCapacityProviders,
  updateCluster,
  updateClusterSettings,
} from './clusters';
import {
  createCapacityProvider,
  deleteCapacityProvider,
  describeCapacityProviders,
  updateCapacityProvider,
} from './capacity-providers';
import { scopeOf, type Scope } from './common';
import {
  deregisterContainerInstance,
  describeContainerInstances,
  listContainerInstances,
  registerContainerInstance,
  updateContainerInstancesState,
} from './instances';
import { ecsCollections } from './model';
import {
  discoverPollEndpoint,
  submitAttachmentStateChanges,
  submitContainerStateChange,
  submitTaskStateChange,
  updateContainerAgent,
} from './agent-api';
import {
  deleteDaemonTaskDefinition,
  describeDaemonTaskDefinition,
  listDaemonTaskDefinitions,
  registerDaemonTaskDefinition,
} from './daemon-task-definitions';
import { getTaskProtection, updateTaskProtection } from './task-protection';
import {
  createDaemon,
  createExpressGatewayService,
  deleteDaemon,
  deleteExpressGatewayService,
  describeDaemon,
  describeDaemonDeployments,
  describeDaemonRevisions,
  describeExpressGatewayService,
  executeCommand,
  listDaemonDeployments,
  listDaemons,
  listServicesByNamespace,
  updateDaemon,
  updateExpressGatewayService,
} from './unavailable';
import {
  continueServiceDeployment,
  describeServiceDeployments,
  describeServiceRevisions,
  listServiceDeployments,
  stopServiceDeployment,
} from './service-deployments';
import { createService, deleteService, describeServices, listServices, updateService } from './services';
import {
  deleteAttributes,
  listAttributes,
  listTagsForResource,
  putAttributes,
  tagResource,
  untagResource,
} from './tags-attributes';
import {
  deleteTaskDefinitions,
  deregisterTaskDefinition,
  describeTaskDefinition,
  listTaskDefinitionFamilies,
  listTaskDefinitions,
  registerTaskDefinition,
} from './task-definitions';
import {
  createTaskSet,
  deleteTaskSet,
  describeTaskSets,
  updateServicePrimaryTaskSet,
  updateTaskSet,
} from './task-sets';
import { describeTasks, listTasks, runTask, startTask, stopTask } from './tasks';
import { ecsValidation } from '../protocol/model/validation-styles';
import { model } from './shapes.gen';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action takes its own request shape, checked against the model by the endpoint
type Action = (s: Scope, input: any) => unknown;

const ACTIONS: Record<string, Action> = {
  CreateCluster: createCluster,
  UpdateCluster: updateCluster,
  UpdateClusterSettings: updateClusterSettings,
  DescribeClusters: describeClusters,
  ListClusters: listClusters,
  DeleteCluster: deleteCluster,
  CreateCapacityProvider: createCapacityProvider,
  DescribeCapacityProviders: describeCapacityProviders,
  UpdateCapacityProvider: updateCapacityProvider,
  DeleteCapacityProvider: deleteCapacityProvider,
  PutClusterCapacityProviders: putClusterCapacityProviders,
  RegisterTaskDefinition: registerTaskDefinition,
  DescribeTaskDefinition: describeTaskDefinition,
  ListTaskDefinitions: listTaskDefinitions,
  ListTaskDefinitionFamilies: listTaskDefinitionFamilies,
  DeregisterTaskDefinition: deregisterTaskDefinition,
  DeleteTaskDefinitions: deleteTaskDefinitions,
  RegisterContainerInstance: registerContainerInstance,
  DeregisterContainerInstance: deregisterContainerInstance,
  DescribeContainerInstances: describeContainerInstances,
  ListContainerInstances: listContainerInstances,
  UpdateContainerInstancesState: updateContainerInstancesState,
  RunTask: runTask,
  StartTask: startTask,
  StopTask: stopTask,
  DescribeTasks: describeTasks,
  ListTasks: listTasks,
  CreateService: createService,
  UpdateService: updateService,
  DeleteService: deleteService,
  DescribeServices: describeServices,
  ListServices: listServices,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  PutAttributes: putAttributes,
  ListAttributes: listAttributes,
  DeleteAttributes: deleteAttributes,
  PutAccountSetting: putAccountSetting,
  PutAccountSettingDefault: putAccountSettingDefault,
  ListAccountSettings: listAccountSettings,
  DeleteAccountSetting: deleteAccountSetting,
  ListServiceDeployments: listServiceDeployments,
  DescribeServiceDeployments: describeServiceDeployments,
  DescribeServiceRevisions: describeServiceRevisions,
  StopServiceDeployment: stopServiceDeployment,
  ContinueServiceDeployment: continueServiceDeployment,
  CreateTaskSet: createTaskSet,
  DescribeTaskSets: describeTaskSets,
  UpdateTaskSet: updateTaskSet,
  DeleteTaskSet: deleteTaskSet,
  UpdateServicePrimaryTaskSet: updateServicePrimaryTaskSet,
  GetTaskProtection: getTaskProtection,
  UpdateTaskProtection: updateTaskProtection,
  DiscoverPollEndpoint: discoverPollEndpoint,
  SubmitTaskStateChange: submitTaskStateChange,
  SubmitContainerStateChange: submitContainerStateChange,
  SubmitAttachmentStateChanges: submitAttachmentStateChanges,
  UpdateContainerAgent: updateContainerAgent,
  RegisterDaemonTaskDefinition: registerDaemonTaskDefinition,
  DescribeDaemonTaskDefinition: describeDaemonTaskDefinition,
  ListDaemonTaskDefinitions: listDaemonTaskDefinitions,
  DeleteDaemonTaskDefinition: deleteDaemonTaskDefinition,
  // Answered as AWS answers when the feature behind them is missing (unavailable.ts says why).
  ExecuteCommand: executeCommand,
  ListServicesByNamespace: listServicesByNamespace,
  CreateDaemon: createDaemon,
  UpdateDaemon: updateDaemon,
  DeleteDaemon: deleteDaemon,
  DescribeDaemon: describeDaemon,
  ListDaemons: listDaemons,
  ListDaemonDeployments: listDaemonDeployments,
  DescribeDaemonDeployments: describeDaemonDeployments,
  DescribeDaemonRevisions: describeDaemonRevisions,
  CreateExpressGatewayService: createExpressGatewayService,
  UpdateExpressGatewayService: updateExpressGatewayService,
  DeleteExpressGatewayService: deleteExpressGatewayService,
  DescribeExpressGatewayService: describeExpressGatewayService,
};

/** The actions this provider serves. */
export const ECS_ACTIONS = Object.keys(ACTIONS);

export function createEcsService(deps: LocalDeps): ServiceDefinition {
  const col = ecsCollections(deps.db);
  const actions: Record<string, ActionHandler> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    actions[name] = (input, ctx) => action(scopeOf(deps, col, ctx), input);
  }
  return { id: 'ecs', model, validation: ecsValidation, actions };
}
