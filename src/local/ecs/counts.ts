/**
 * What the store keeps derived from each task (Collection `derived` keys, in SQLite, in the same
 * transaction as the task's write, so exact after a kill -9), and the counts read from it: the
 * running and pending counts DescribeClusters, DescribeServices and DescribeContainerInstances
 * report (one row each, whatever the number of tasks), ListTasks' filters, and the tasks the
 * service scheduler looks at (the live ones and the failures, not the stopped ones kept for an hour).
 */
import { failedTask } from '../scheduler/reconcile';
import { reconcileTask } from '../scheduler/service-input';
import type { Collection, LookupKey } from '../store/collection';
import type { ContainerInstanceRecord, ServiceRecord, TaskRecord } from './model';

/** The statuses of a task that has not reached RUNNING yet: ECS counts these in `pendingCount`. */
export const PENDING_STATUSES: ReadonlySet<string> = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

/** Bump when the keys below change: stored records get their keys derived again at start. */
export const TASK_KEYS_VERSION = 11;
export const INSTANCE_KEYS_VERSION = 1;
export const SERVICE_KEYS_VERSION = 2;

/** The ListTasks filters that have their own key (with the cluster and the desired status). */
export type ListFilter = 'family' | 'startedBy' | 'launchType' | 'service';

// Lookup keys are short (issue 14: every task placed inserts three to six of them at random places
// in one B-tree; ~200-byte rows cost about twice ~60-byte ones). An ECS ARN
// `arn:aws:ecs:REGION:ACCOUNT:TYPE/REST` is written `REGION:ACCOUNT:REST` (the key's kind says the
// type; any other text, which no ARN made here is, is kept whole: it starts with `arn:` or is not an
// ARN at all, so the two forms never meet), the desired status as one letter, and a row stores the
// task's id, not its ARN (`taskMember`): the reader rebuilds the ARN from the key's cluster. A part a
// user controls (startedBy, an attachment id, a provider name) is always last, so a `|` in it cannot
// make two keys equal; readers never split lookup keys.

const ECS_ARN = 'arn:aws:ecs:';

/**
 * `fn` remembered per argument (a task's keys are derived for each of its versions, from the same few
 * cluster, instance and service ARNs): at most MEMO_MAX entries, all dropped past that.
 */
function remembered<V>(fn: (text: string) => V): (text: string) => V {
  const memo = new Map<string, V>();
  return (text) => {
    const known = memo.get(text);
    if (known !== undefined || memo.has(text)) return known as V;
    const v = fn(text);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(text, v);
    return v;
  };
}
const MEMO_MAX = 20_000;

/**
 * A key text made of two or three strings, remembered per arguments in nested Maps (no key text
 * made to look it up): every version of a task derives the same few keys again, and the same string
 * each time compares by reference with the previous version's (Collection `sameKeys`), makes no
 * garbage and is bound to SQLite flat. At most MEMO_MAX texts, all dropped past that.
 */
class KeyMemo {
  private root = new Map<string, Map<string, unknown>>();
  private size = 0;

  two(a: string, b: string, make: (a: string, b: string) => string): string {
    const level = this.level(a);
    const known = level.get(b);
    if (known !== undefined) return known as string;
    const text = make(a, b);
    this.size++;
    level.set(b, text);
    return text;
  }

  three(a: string, b: string, c: string, make: (a: string, b: string, c: string) => string): string {
    const first = this.level(a);
    let second = first.get(b) as Map<string, string> | undefined;
    if (second === undefined) {
      second = new Map<string, string>();
      first.set(b, second);
    }
    const known = second.get(c);
    if (known !== undefined) return known;
    const text = make(a, b, c);
    this.size++;
    second.set(c, text);
    return text;
  }

  private level(a: string): Map<string, unknown> {
    if (this.size >= MEMO_MAX) {
      this.root = new Map();
      this.size = 0;
    }
    let level = this.root.get(a);
    if (level === undefined) {
      level = new Map<string, unknown>();
      this.root.set(a, level);
    }
    return level;
  }
}

/** `REGION:ACCOUNT:REST` of `arn:aws:ecs:REGION:ACCOUNT:TYPE/REST`; any other text as it is. */
export const compactArn = remembered(compactArnOf);

function compactArnOf(arn: string): string {
  if (!arn.startsWith(ECS_ARN)) return arn;
  const region = arn.indexOf(':', ECS_ARN.length);
  const account = region < 0 ? -1 : arn.indexOf(':', region + 1);
  const slash = account < 0 ? -1 : arn.indexOf('/', account + 1);
  if (slash < 0 || arn.lastIndexOf(':') !== account) return arn;
  return arn.slice(ECS_ARN.length, account + 1) + arn.slice(slash + 1);
}

/**
 * The ARN prefix of a cluster's tasks (`arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/`) from the ARN of
 * the cluster, or of one of its instances or services (`.../CLUSTER/ID`); undefined for another shape.
 */
const taskArnPrefix = remembered(taskArnPrefixOf);

function taskArnPrefixOf(arn: string): string | undefined {
  const compact = compactArn(arn);
  if (compact === arn) return undefined;
  const account = compact.lastIndexOf(':');
  const rest = compact.slice(account + 1);
  const slash = rest.indexOf('/');
  const cluster = slash < 0 ? rest : rest.slice(0, slash);
  if (cluster === '') return undefined;
  return `${ECS_ARN}${compact.slice(0, account + 1)}task/${cluster}/`;
}

/**
 * What a task's lookup rows store: its id when its ARN is its cluster's task prefix and the id, and
 * every ARN its keys hold (instance, service) gives the same prefix (all tasks made here); else the
 * whole ARN (starts with `arn:`, which no id does). Ids are the same length (32 hex digits), so the
 * rows of a key sort as the ARNs did.
 */
export function taskMember(r: TaskRecord, taskArn: string): string {
  // A write that moves a task's lookup keys asks for the member of both versions (Collection
  // `moveDerived`): the second call gives the first's answer when the ARNs it reads are the same.
  const t = r.task;
  const last = lastMember;
  if (
    last.taskArn === taskArn &&
    last.clusterArn === t.clusterArn &&
    last.instanceArn === t.containerInstanceArn &&
    last.serviceArn === r.serviceArn
  )
    return last.member;
  const member = memberOf(r, taskArn);
  lastMember = {
    taskArn,
    clusterArn: t.clusterArn,
    instanceArn: t.containerInstanceArn,
    serviceArn: r.serviceArn,
    member,
  };
  return member;
}
let lastMember: {
  taskArn: string;
  clusterArn: string;
  instanceArn: string | undefined;
  serviceArn: string | undefined;
  member: string;
} = { taskArn: '', clusterArn: '', instanceArn: undefined, serviceArn: undefined, member: '' };

function memberOf(r: TaskRecord, taskArn: string): string {
  const prefix = taskArnPrefix(r.task.clusterArn);
  if (prefix === undefined || !taskArn.startsWith(prefix)) return taskArn;
  const id = taskArn.slice(prefix.length);
  if (id === '' || id.includes('/') || id.startsWith('arn:')) return taskArn;
  const t = r.task;
  if (t.containerInstanceArn && taskArnPrefix(t.containerInstanceArn) !== prefix) return taskArn;
  if (r.serviceArn !== undefined && taskArnPrefix(r.serviceArn) !== prefix) return taskArn;
  return id;
}

/** A lookup key of the tasks collection, read through the ARN of its cluster (or instance, service). */
function scopedKey(key: string, scopeArn: string): LookupKey {
  const prefix = taskArnPrefix(scopeArn);
  return {
    key,
    idOf: (member) => (prefix === undefined || member.startsWith('arn:') ? member : prefix + member),
    memberOf: (arn) => {
      if (prefix === undefined || !arn.startsWith(prefix)) return arn;
      const id = arn.slice(prefix.length);
      return id.includes('/') || id.startsWith('arn:') ? arn : id;
    },
  };
}

const DESIRED: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, { RUNNING: 'R', STOPPED: 'S', PENDING: 'P' }),
);
const desiredPart = (desired: string): string =>
  (Object.hasOwn(DESIRED, desired) ? DESIRED[desired] : `=${desired}`) as string;
const FILTER: Readonly<Record<ListFilter, string>> = {
  family: 'f',
  startedBy: 's',
  launchType: 't',
  service: 'v',
};

/** A service's part of a key: its name when its ARN is of its cluster, else its compact ARN. */
function servicePart(clusterArn: string, serviceArn: string): string {
  const compact = compactArn(serviceArn);
  const cluster = compactArn(clusterArn);
  return compact !== serviceArn && compact.startsWith(`${cluster}/`)
    ? compact.slice(cluster.length + 1)
    : `=${compact}`;
}

/** The text of the lookup keys (what `taskLookups` stores); `taskKeys` gives them with their readers. */
const keyText = {
  cluster: (clusterArn: string, desired: string) => clusterTexts.two(clusterArn, desired, clusterText),
  listed: (clusterArn: string, desired: string, filter: ListFilter, value: string) =>
    listedTexts[filter].three(clusterArn, desired, value, listedText[filter]),
  onInstance: (instanceArn: string, desired: string) =>
    onInstanceTexts.two(instanceArn, desired, onInstanceText),
  liveOfService: (serviceArn: string) => `l|${compactArn(serviceArn)}`,
  failedOfService: (serviceArn: string) => `x|${compactArn(serviceArn)}`,
  attachment: (clusterArn: string, attachmentId: string) => `a|${compactArn(clusterArn)}|${attachmentId}`,
  awaitingCapacity: (clusterArn: string, providerName: string) =>
    `w|${compactArn(clusterArn)}|${providerName}`,
};
const clusterText = (clusterArn: string, desired: string) =>
  `c|${compactArn(clusterArn)}|${desiredPart(desired)}`;
const onInstanceText = (instanceArn: string, desired: string) =>
  `i|${compactArn(instanceArn)}|${desiredPart(desired)}`;
const listedTextOf = (clusterArn: string, desired: string, filter: ListFilter, value: string) =>
  `${FILTER[filter]}|${compactArn(clusterArn)}|${desiredPart(desired)}|${
    filter === 'service' ? servicePart(clusterArn, value) : value
  }`;
const listedText: Record<ListFilter, (clusterArn: string, desired: string, value: string) => string> = {
  family: (c, d, v) => listedTextOf(c, d, 'family', v),
  startedBy: (c, d, v) => listedTextOf(c, d, 'startedBy', v),
  launchType: (c, d, v) => listedTextOf(c, d, 'launchType', v),
  service: (c, d, v) => listedTextOf(c, d, 'service', v),
};
const clusterTexts = new KeyMemo();
const onInstanceTexts = new KeyMemo();
const listedTexts: Record<ListFilter, KeyMemo> = {
  family: new KeyMemo(),
  startedBy: new KeyMemo(),
  launchType: new KeyMemo(),
  service: new KeyMemo(),
};

export const taskKeys = {
  /**
   * A cluster's tasks with a desired status (ListTasks without a keyed filter, the minute metrics):
   * a lookup row of ~60 bytes, not an index of the tasks table (the cluster's ARN and the task's
   * ARN in each entry, ~150 bytes).
   */
  cluster: (clusterArn: string, desired: string) =>
    scopedKey(keyText.cluster(clusterArn, desired), clusterArn),
  /** Tasks of a cluster with a desired status and one filter's value (a service by its ARN). */
  listed: (clusterArn: string, desired: string, filter: ListFilter, value: string) =>
    scopedKey(keyText.listed(clusterArn, desired, filter, value), clusterArn),
  /** Tasks on a container instance with a desired status (ListTasks' containerInstance filter). */
  onInstance: (instanceArn: string, desired: string) =>
    scopedKey(keyText.onInstance(instanceArn, desired), instanceArn),
  /** A service's tasks not STOPPED yet. */
  liveOfService: (serviceArn: string) => scopedKey(keyText.liveOfService(serviceArn), serviceArn),
  /** A service's STOPPED tasks that count as failures (the circuit breaker's). */
  failedOfService: (serviceArn: string) => scopedKey(keyText.failedOfService(serviceArn), serviceArn),
  /**
   * The task not STOPPED yet that holds an attachment (SubmitAttachmentStateChanges names the
   * attachment by ARN, its id last).
   */
  attachment: (clusterArn: string, attachmentId: string) =>
    scopedKey(keyText.attachment(clusterArn, attachmentId), clusterArn),
  /** Tasks desired RUNNING that wait in PROVISIONING for a capacity provider's room (no instance yet). */
  awaitingCapacity: (clusterArn: string, providerName: string) =>
    scopedKey(keyText.awaitingCapacity(clusterArn, providerName), clusterArn),
};

export type CountedStatus = 'running' | 'pending';

/** `r` or `p`: the first letter of a counted status in a counter key. */
const statusPart = (status: CountedStatus): string => (status === 'running' ? 'r' : 'p');

/**
 * An instance's part of a counter key that also names its cluster: its id when its ARN is the
 * cluster's `container-instance/CLUSTER/ID` (all made here), else `=` and its ARN. Neither holds `|`.
 */
function instancePart(clusterArn: string, instanceArn: string): string {
  const known = instanceParts.get(instanceArn);
  if (known?.clusterArn === clusterArn) return known.part;
  const part = instancePartOf(clusterArn, instanceArn);
  if (instanceParts.size >= MEMO_MAX) instanceParts.clear();
  instanceParts.set(instanceArn, { clusterArn, part });
  return part;
}
const instanceParts = new Map<string, { clusterArn: string; part: string }>();

function instancePartOf(clusterArn: string, instanceArn: string): string {
  const cluster = compactArn(clusterArn);
  const instance = compactArn(instanceArn);
  if (
    cluster !== clusterArn &&
    instance !== instanceArn &&
    clusterArn.includes(':cluster/') &&
    instanceArn.includes(':container-instance/')
  ) {
    const id = instance.startsWith(`${cluster}/`) ? instance.slice(cluster.length + 1) : '';
    if (id !== '' && !id.includes('/') && !id.startsWith('=')) return id;
  }
  return `=${instanceArn}`;
}

/** The instance ARN an `instancePart` stands for. */
function instanceOfPart(clusterArn: string, part: string): string {
  if (part.startsWith('=')) return part.slice(1);
  const at = clusterArn.indexOf(':cluster/');
  return `${clusterArn.slice(0, at)}:container-instance/${clusterArn.slice(at + ':cluster/'.length)}/${part}`;
}

const clusterCountText = (clusterArn: string, status: string) =>
  `k|${compactArn(clusterArn)}|${statusPart(status as CountedStatus)}`;
const clusterFargateText = (clusterArn: string, status: string) =>
  `k|${compactArn(clusterArn)}|f${statusPart(status as CountedStatus)}`;
const instanceCountText = (instanceArn: string, status: string) =>
  `n|${compactArn(instanceArn)}|${statusPart(status as CountedStatus)}`;
const groupText = (clusterArn: string, group: string, instanceArn: string) =>
  `g|${compactArn(clusterArn)}|${group}|${instancePart(clusterArn, instanceArn)}`;
/** The counter key texts a task's versions derive again and again (see `KeyMemo`). */
const countTexts = {
  cluster: new KeyMemo(),
  clusterFargate: new KeyMemo(),
  instance: new KeyMemo(),
  group: new KeyMemo(),
};

// Counter keys are short for the same reason as lookup keys (a task placed upserts its instance's
// and group's counters, at random places in one B-tree): a kind of one or two letters, compact ARNs,
// an instance by its id within its cluster. The kind tells a cluster's, an instance's and a
// service's counters apart (their compact ARNs could meet: an instance id and a service name). A
// cluster's counters (`k|CLUSTER|...`) and an instance's (`n|INSTANCE|...`) sort together, the
// status last: a step that moves a task from one count to another (RUNNING: pending -> running;
// StopTask: running -> stopping) changes one B-tree page per cluster and instance, not two (a page
// changed is a page written to the WAL at commit: issue 14).
export const countKeys = {
  cluster: (clusterArn: string, status: CountedStatus) =>
    countTexts.cluster.two(clusterArn, status, clusterCountText),
  /** A cluster's FARGATE tasks (DescribeClusters' STATISTICS split by launch type). */
  clusterFargate: (clusterArn: string, status: CountedStatus) =>
    countTexts.clusterFargate.two(clusterArn, status, clusterFargateText),
  /** A cluster's tasks not STOPPED yet (DeleteCluster refuses while there are any). */
  clusterLive: remembered((clusterArn: string) => `k|${compactArn(clusterArn)}|l`),
  /**
   * A cluster's tasks not STOPPED yet that run on a capacity provider (PutClusterCapacityProviders
   * refuses to remove a provider while there are any).
   */
  providerLive: (clusterArn: string, providerName: string) => `lp|${compactArn(clusterArn)}|${providerName}`,
  /**
   * An instance's tasks on their way to STOPPED (DEACTIVATING, STOPPING, DEPROVISIONING): with its
   * pending and running ones, those not STOPPED yet (`liveOnInstance`).
   */
  instanceStopping: remembered((instanceArn: string) => `n|${compactArn(instanceArn)}|s`),
  instance: (instanceArn: string, status: CountedStatus) =>
    countTexts.instance.two(instanceArn, status, instanceCountText),
  service: (serviceArn: string, status: CountedStatus) => `${statusPart(status)}s|${compactArn(serviceArn)}`,
  /**
   * A task group's tasks on an instance (not STOPPED, desired RUNNING): placement's spread,
   * distinctInstance and memberOf(task:group) read these per cluster and group (`groupPrefix`)
   * instead of every task. The instance, last (`instancePart`), holds no `|`; a group may (RunTask's
   * `group` is only length-checked), so readers split at the last `|` (`groupKeyParts`) and compare
   * the group.
   */
  group: (clusterArn: string, group: string, instanceArn: string) =>
    countTexts.group.three(clusterArn, group, instanceArn, groupText),
  /** awsvpc tasks holding a network interface on an instance (placement's free interfaces). */
  eni: (clusterArn: string, instanceArn: string) =>
    `e|${compactArn(clusterArn)}|${instancePart(clusterArn, instanceArn)}`,
  eniPrefix: (clusterArn: string) => `e|${compactArn(clusterArn)}|`,
  /** The instance ARN of an `eni` key read with `eniPrefix`: what follows the prefix. */
  eniInstance: (clusterArn: string, rest: string) => instanceOfPart(clusterArn, rest),
  groupPrefix: (clusterArn: string, group?: string) =>
    group === undefined ? `g|${compactArn(clusterArn)}|` : `g|${compactArn(clusterArn)}|${group}|`,
  /** The group and instance ARN of a `group` key read with `groupPrefix(clusterArn)`: what follows it. */
  groupKeyParts: (clusterArn: string, rest: string): { group: string; instanceArn: string } => {
    const cut = rest.lastIndexOf('|');
    return { group: rest.slice(0, cut), instanceArn: instanceOfPart(clusterArn, rest.slice(cut + 1)) };
  },
};

/**
 * Every task on a container instance, whatever its status, in id order, as private copies (what
 * `Collection.get` gives): from the instance's lookup keys (one per desired status), O(its tasks).
 */
export function tasksOnInstance(tasks: Collection<TaskRecord>, instanceArn: string): TaskRecord[] {
  const ids = [
    ...tasks.idsByKey(taskKeys.onInstance(instanceArn, 'RUNNING')),
    ...tasks.idsByKey(taskKeys.onInstance(instanceArn, 'STOPPED')),
  ].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: TaskRecord[] = [];
  for (const id of ids) {
    const rec = tasks.get(id);
    if (rec) out.push(rec);
  }
  return out;
}

/** The family of a task's definition, from its ARN (task-definition/FAMILY:REV). */
export function familyOf(t: TaskRecord): string | undefined {
  const arn = t.task.taskDefinitionArn;
  if (!arn) return undefined;
  return familyOfArn(arn);
}

const familyOfArn = remembered((arn: string) => {
  const resource = arn.slice(arn.indexOf(':task-definition/') + ':task-definition/'.length);
  return resource.slice(0, resource.lastIndexOf(':'));
});

/** A STOPPED task that counts as a failure: the reconciler's rule (`failedTask`). */
export function failedTaskRecord(r: TaskRecord): boolean {
  return r.task.lastStatus === 'STOPPED' && failedTask(reconcileTask(r, 'GONE'));
}

export function taskLookups(r: TaskRecord): string[] {
  const t = r.task;
  const keys: string[] = [keyText.cluster(t.clusterArn, t.desiredStatus)];
  const family = familyOf(r);
  if (family !== undefined) keys.push(keyText.listed(t.clusterArn, t.desiredStatus, 'family', family));
  if (t.startedBy !== undefined)
    keys.push(keyText.listed(t.clusterArn, t.desiredStatus, 'startedBy', t.startedBy));
  if (t.launchType !== undefined)
    keys.push(keyText.listed(t.clusterArn, t.desiredStatus, 'launchType', t.launchType));
  if (t.containerInstanceArn) keys.push(keyText.onInstance(t.containerInstanceArn, t.desiredStatus));
  if (r.serviceArn !== undefined) {
    keys.push(keyText.listed(t.clusterArn, t.desiredStatus, 'service', r.serviceArn));
    if (t.lastStatus !== 'STOPPED') keys.push(keyText.liveOfService(r.serviceArn));
    else if (failedTaskRecord(r)) keys.push(keyText.failedOfService(r.serviceArn));
  }
  if (t.lastStatus !== 'STOPPED') {
    for (const a of t.attachments ?? []) {
      if (a.id === undefined) continue;
      const key = keyText.attachment(t.clusterArn, a.id);
      if (!keys.includes(key)) keys.push(key);
    }
  }
  if (
    r.awaitingCapacity &&
    t.desiredStatus === 'RUNNING' &&
    !t.containerInstanceArn &&
    t.capacityProviderName
  )
    keys.push(keyText.awaitingCapacity(t.clusterArn, t.capacityProviderName));
  return keys;
}

/**
 * RUNNING tasks count as running everywhere; PROVISIONING, PENDING and ACTIVATING ones as pending
 * (a service's pendingCount only while they are still meant to run).
 */
export function taskCounters(r: TaskRecord): string[] {
  const t = r.task;
  const status: CountedStatus | null =
    t.lastStatus === 'RUNNING' ? 'running' : PENDING_STATUSES.has(t.lastStatus) ? 'pending' : null;
  const keys = t.lastStatus === 'STOPPED' ? [] : [countKeys.clusterLive(t.clusterArn)];
  if (t.lastStatus !== 'STOPPED' && t.capacityProviderName)
    keys.push(countKeys.providerLive(t.clusterArn, t.capacityProviderName));
  // An instance's live tasks are counted by status (pending, running, stopping): a task placed
  // moves one counter of its instance, not two.
  if (status === null && t.lastStatus !== 'STOPPED' && t.containerInstanceArn)
    keys.push(countKeys.instanceStopping(t.containerInstanceArn));
  if (t.lastStatus !== 'STOPPED' && t.desiredStatus === 'RUNNING' && t.containerInstanceArn)
    keys.push(countKeys.group(t.clusterArn, t.group ?? '', t.containerInstanceArn));
  if (t.lastStatus !== 'STOPPED' && t.containerInstanceArn && r.eni && !r.eni.deleted)
    keys.push(countKeys.eni(t.clusterArn, t.containerInstanceArn));
  if (status === null) return keys;
  keys.push(countKeys.cluster(t.clusterArn, status));
  if (t.launchType === 'FARGATE') keys.push(countKeys.clusterFargate(t.clusterArn, status));
  if (t.containerInstanceArn) keys.push(countKeys.instance(t.containerInstanceArn, status));
  if (r.serviceArn && (status === 'running' || t.desiredStatus === 'RUNNING'))
    keys.push(countKeys.service(r.serviceArn, status));
  return keys;
}

export interface TaskCounts {
  running: number;
  pending: number;
}

const countsOf = (tasks: Collection<TaskRecord>, key: (s: CountedStatus) => string): TaskCounts => ({
  running: tasks.counted(key('running')),
  pending: tasks.counted(key('pending')),
});

/** Running and pending tasks of a cluster (DescribeClusters), of an instance, of a service: O(1). */
export const taskCounts = {
  cluster: (tasks: Collection<TaskRecord>, clusterArn: string) =>
    countsOf(tasks, (s) => countKeys.cluster(clusterArn, s)),
  instance: (tasks: Collection<TaskRecord>, instanceArn: string) =>
    countsOf(tasks, (s) => countKeys.instance(instanceArn, s)),
  service: (tasks: Collection<TaskRecord>, serviceArn: string) =>
    countsOf(tasks, (s) => countKeys.service(serviceArn, s)),
};

/**
 * An instance's tasks not STOPPED yet (DeregisterContainerInstance, the capacity controller's busy
 * instances): three counters, O(1).
 */
export function liveOnInstance(tasks: Collection<TaskRecord>, instanceArn: string): number {
  return (
    tasks.counted(countKeys.instance(instanceArn, 'pending')) +
    tasks.counted(countKeys.instance(instanceArn, 'running')) +
    tasks.counted(countKeys.instanceStopping(instanceArn))
  );
}

/** A cluster's registered (ACTIVE or DRAINING) container instances. */
const registeredKey = (clusterArn: string) => `registered|${clusterArn}`;

export function instanceCounters(r: ContainerInstanceRecord): string[] {
  const status = r.containerInstance.status;
  return status === 'ACTIVE' || status === 'DRAINING' ? [registeredKey(r.clusterArn)] : [];
}

/** A cluster's services by status (ACTIVE, DRAINING), and those of them that run on Fargate. */
const servicesKey = (clusterArn: string, status: string) => `${status}|${clusterArn}`;
const fargateServicesKey = (clusterArn: string, status: string) => `${status}|fargate|${clusterArn}`;

/** A service that runs on Fargate: its launch type, or a FARGATE/FARGATE_SPOT capacity provider. */
export function fargateService(r: ServiceRecord): boolean {
  return (
    r.service.launchType === 'FARGATE' ||
    (r.service.capacityProviderStrategy ?? []).some((i) => (i.capacityProvider ?? '').startsWith('FARGATE'))
  );
}

export function serviceCounters(r: ServiceRecord): string[] {
  const status = r.service.status;
  if (status !== 'ACTIVE' && status !== 'DRAINING') return [];
  const keys = [servicesKey(r.service.clusterArn, status)];
  if (fargateService(r)) keys.push(fargateServicesKey(r.service.clusterArn, status));
  return keys;
}

export interface ClusterCounts extends TaskCounts {
  /** Tasks not STOPPED yet. */
  live: number;
  registeredInstances: number;
  activeServices: number;
  drainingServices: number;
  /** The same split by launch type: what of the above runs on Fargate (DescribeClusters' STATISTICS). */
  fargate: TaskCounts & { activeServices: number; drainingServices: number };
}

/** Everything DescribeClusters counts, from counters: O(1) in tasks, instances and services. */
export function clusterCounts(
  col: {
    tasks: Collection<TaskRecord>;
    containerInstances: Collection<ContainerInstanceRecord>;
    services: Collection<ServiceRecord>;
  },
  clusterArn: string,
): ClusterCounts {
  return {
    ...taskCounts.cluster(col.tasks, clusterArn),
    live: col.tasks.counted(countKeys.clusterLive(clusterArn)),
    registeredInstances: col.containerInstances.counted(registeredKey(clusterArn)),
    activeServices: col.services.counted(servicesKey(clusterArn, 'ACTIVE')),
    drainingServices: col.services.counted(servicesKey(clusterArn, 'DRAINING')),
    fargate: {
      ...countsOf(col.tasks, (s) => countKeys.clusterFargate(clusterArn, s)),
      activeServices: col.services.counted(fargateServicesKey(clusterArn, 'ACTIVE')),
      drainingServices: col.services.counted(fargateServicesKey(clusterArn, 'DRAINING')),
    },
  };
}
