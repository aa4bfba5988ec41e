// The do-nothing ECS endpoint of bench/scale: the client's ceiling. It answers the workload's
// calls (awsJson 1.1, X-Amz-Target) with the smallest valid answers, keeping only the list of task
// ARNs so that ListTasks pages and DescribeTasks finds what RunTask returned. Prints its URL.
//
// With `--shaped` it answers as ECS does instead: whole tasks (containers, overrides, attributes,
// timestamps) and whole container instances (resources, 53 agent attributes), the shapes and sizes
// a real endpoint (ours, AWS) gives the same calls, built from templates with no state behind them.
// The client spends more CPU parsing those: their requests/s is the ceiling for a server that
// answers like ECS, where the stubs' is the ceiling for the client's requests alone.
//
// With `--stored` (implies `--shaped`) it also keeps each task as one JSON row in an in-memory
// SQLite table, the least a server that stores its tasks does: RunTask inserts its tasks in one
// transaction, DescribeTasks reads and parses them, StopTask reads, parses, changes, serialises and
// updates the row and answers with it. No lifecycle, no lookups, no counters, no checks: a floor for
// a server that keeps its state, not a control plane.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

const region = 'us-east-1';
const account = '000000000000';
const arn = (resource) => `arn:aws:ecs:${region}:${account}:${resource}`;
/** Task ARNs by cluster name, in RunTask order; every ARN RunTask returned. */
const byCluster = new Map();
const index = new Set();
const stored = process.argv.includes('--stored');
const shaped = stored || process.argv.includes('--shaped');
const db = stored ? new Database(':memory:') : null;
db?.exec('CREATE TABLE task (arn TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID');
const insertTask = db?.prepare('INSERT INTO task (arn, doc) VALUES (?, ?)');
const readTask = db?.prepare('SELECT doc FROM task WHERE arn = ?').pluck();
const updateTask = db?.prepare('UPDATE task SET doc = ? WHERE arn = ?');
const insertTasks = db?.transaction((tasks) => {
  for (const t of tasks) insertTask.run(t.taskArn, JSON.stringify(t));
});
/** StopTask on the stored row: read, parse, change, serialise, write; the task as written. */
const stopStored = db?.transaction((taskArn) => {
  const text = readTask.get(taskArn);
  if (text === undefined) return undefined;
  const task = JSON.parse(text);
  task.desiredStatus = 'STOPPED';
  task.stopCode = 'UserInitiated';
  task.stoppedReason = 'Task stopped by user';
  task.stoppingAt = now();
  task.version += 1;
  updateTask.run(JSON.stringify(task), taskArn);
  return task;
});

// ---- --shaped: ECS-shaped answers (as ours gives them for the workload's calls) ----
const now = () => Math.round(Date.now()) / 1000;
const hex = (n) => randomBytes(n).toString('hex');
/** The 53 attributes an ECS agent registers (instance type, zone, OS, Docker API versions, logging drivers, capabilities). */
const AGENT_ATTRIBUTES = [
  { name: 'ecs.instance-type', value: 'm5.large' },
  { name: 'ecs.availability-zone', value: 'us-east-1a' },
  { name: 'ecs.os-type', value: 'linux' },
  { name: 'ecs.os-family', value: 'LINUX' },
  { name: 'ecs.ami-id', value: 'ami-0ec5c0e0ec5c0e0ec' },
  { name: 'ecs.cpu-architecture', value: 'x86_64' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.17' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.19' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.20' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.21' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.22' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.23' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.24' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.25' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.26' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.27' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.28' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.29' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.30' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.31' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.32' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.33' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.34' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.35' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.36' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.37' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.38' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.39' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.40' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.41' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.42' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.43' },
  { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.44' },
  { name: 'com.amazonaws.ecs.capability.logging-driver.json-file' },
  { name: 'com.amazonaws.ecs.capability.logging-driver.syslog' },
  { name: 'com.amazonaws.ecs.capability.logging-driver.journald' },
  { name: 'com.amazonaws.ecs.capability.logging-driver.gelf' },
  { name: 'com.amazonaws.ecs.capability.logging-driver.fluentd' },
  { name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' },
  { name: 'com.amazonaws.ecs.capability.logging-driver.splunk' },
  { name: 'com.amazonaws.ecs.capability.logging-driver.awsfirelens' },
  { name: 'com.amazonaws.ecs.capability.logging-driver.none' },
  { name: 'com.amazonaws.ecs.capability.privileged-container' },
  { name: 'com.amazonaws.ecs.capability.ecr-auth' },
  { name: 'com.amazonaws.ecs.capability.task-iam-role' },
  { name: 'com.amazonaws.ecs.capability.task-iam-role-network-host' },
  { name: 'ecs.capability.task-eni' },
  { name: 'ecs.capability.task-cpu-mem-limit' },
  { name: 'ecs.capability.container-health-check' },
  { name: 'ecs.capability.container-ordering' },
  { name: 'ecs.capability.execution-role-awslogs' },
  { name: 'ecs.capability.execution-role-ecr-pull' },
];
const resources = () => [
  { name: 'CPU', type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: 2048 },
  { name: 'MEMORY', type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: 8192 },
  {
    name: 'PORTS',
    type: 'STRINGSET',
    doubleValue: 0,
    longValue: 0,
    integerValue: 0,
    stringSetValue: ['22', '2375', '2376', '51678', '51679', '51680'],
  },
  { name: 'PORTS_UDP', type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: [] },
];
function shapedInstance(cluster, doc) {
  return {
    containerInstanceArn: arn(`container-instance/${cluster}/${hex(16)}`),
    ec2InstanceId: doc.instanceId,
    version: 1,
    versionInfo: { agentVersion: '1.89.0', agentHash: 'ecsconsole', dockerVersion: 'DockerVersion: 25.0.8' },
    remainingResources: resources(),
    registeredResources: resources(),
    status: 'ACTIVE',
    agentConnected: true,
    runningTasksCount: 0,
    pendingTasksCount: 0,
    attributes: AGENT_ATTRIBUTES,
    registeredAt: now(),
    attachments: [],
  };
}
/** A task as ECS describes it at `phase`: 'run' (RunTask's PROVISIONING), 'describe' (RUNNING), 'stop' (StopTask's). */
function shapedTask(taskArn, cluster, phase) {
  const clusterArn = arn(`cluster/${cluster}`);
  const t = now();
  const id = taskArn.slice(taskArn.lastIndexOf('/') + 1);
  const started = phase !== 'run';
  return {
    taskArn,
    clusterArn,
    taskDefinitionArn: arn('task-definition/bench:1'),
    containerInstanceArn: arn(`container-instance/${cluster}/2f4e3d8a78a02fc44c68fdde8066b6fa`),
    overrides: { containerOverrides: [], inferenceAcceleratorOverrides: [] },
    lastStatus: started ? 'RUNNING' : 'PROVISIONING',
    desiredStatus: phase === 'stop' ? 'STOPPED' : 'RUNNING',
    cpu: '10',
    memory: '32',
    containers: [
      {
        containerArn: arn(`container/${cluster}/${id}/33ab1f74-07f5-4806-8d9e-978c9a9958dc`),
        taskArn,
        name: 'app',
        image: 'busybox',
        lastStatus: started ? 'RUNNING' : 'PENDING',
        networkBindings: [],
        networkInterfaces: [],
        cpu: '10',
        memory: '32',
        ...(started ? { runtimeId: hex(32) } : {}),
      },
    ],
    version: started ? 5 : 1,
    createdAt: t,
    group: 'family:bench',
    launchType: 'EC2',
    attachments: [],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: 'us-east-1a',
    ...(phase === 'run' ? { tags: [] } : {}),
    enableExecuteCommand: false,
    ...(started
      ? {
          pullStartedAt: t,
          connectivity: 'CONNECTED',
          connectivityAt: t,
          pullStoppedAt: t,
          startedAt: t,
        }
      : {}),
    ...(phase === 'stop'
      ? { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user', stoppingAt: t }
      : {}),
  };
}

function answer(action, input) {
  const cluster = input.cluster ?? input.clusterName ?? 'default';
  const clusterArn = arn(`cluster/${cluster}`);
  switch (action) {
    case 'CreateCluster':
      return { cluster: { clusterArn, clusterName: cluster, status: 'ACTIVE' } };
    case 'RegisterTaskDefinition':
      return {
        taskDefinition: {
          taskDefinitionArn: arn(`task-definition/${input.family}:1`),
          family: input.family,
          revision: 1,
          status: 'ACTIVE',
          containerDefinitions: input.containerDefinitions,
        },
      };
    case 'RegisterContainerInstance':
      if (shaped)
        return {
          containerInstance: shapedInstance(cluster, JSON.parse(input.instanceIdentityDocument ?? '{}')),
        };
      return {
        containerInstance: {
          containerInstanceArn: arn(`container-instance/${cluster}/${randomBytes(16).toString('hex')}`),
          status: 'ACTIVE',
        },
      };
    case 'RunTask': {
      const out = [];
      for (let i = 0; i < (input.count ?? 1); i++) {
        const task = {
          taskArn: arn(`task/${cluster}/${randomBytes(16).toString('hex')}`),
          clusterArn,
          lastStatus: 'PROVISIONING',
          desiredStatus: 'RUNNING',
        };
        index.add(task.taskArn);
        if (!byCluster.has(cluster)) byCluster.set(cluster, []);
        byCluster.get(cluster).push(task.taskArn);
        out.push(shaped ? shapedTask(task.taskArn, cluster, 'run') : task);
      }
      if (stored) insertTasks(out);
      return { tasks: out, failures: [] };
    }
    case 'ListTasks': {
      const tasks = byCluster.get(cluster) ?? [];
      const start = input.nextToken ? Number(input.nextToken) : 0;
      const max = input.maxResults ?? 100;
      const page = tasks.slice(start, start + max);
      return start + max < tasks.length
        ? { taskArns: page, nextToken: String(start + max) }
        : { taskArns: page };
    }
    case 'DescribeTasks':
      if (stored)
        return {
          tasks: (input.tasks ?? [])
            .map((t) => readTask.get(t))
            .filter((t) => t !== undefined)
            .map((t) => JSON.parse(t)),
          failures: [],
        };
      return {
        tasks: (input.tasks ?? [])
          .filter((t) => index.has(t))
          .map((taskArn) =>
            shaped
              ? shapedTask(taskArn, cluster, 'describe')
              : { taskArn, clusterArn, lastStatus: 'RUNNING', desiredStatus: 'RUNNING' },
          ),
        failures: [],
      };
    case 'StopTask':
      if (stored) return { task: stopStored(input.task) ?? shapedTask(input.task, cluster, 'stop') };
      if (shaped) return { task: shapedTask(input.task, cluster, 'stop') };
      return { task: { taskArn: input.task, clusterArn, lastStatus: 'RUNNING', desiredStatus: 'STOPPED' } };
    case 'DescribeClusters':
      return { clusters: [{ clusterArn, clusterName: cluster, status: 'ACTIVE' }], failures: [] };
    default:
      return {};
  }
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.slice(target.lastIndexOf('.') + 1);
    const body = Buffer.concat(chunks).toString('utf8');
    const out = JSON.stringify(answer(action, body ? JSON.parse(body) : {}));
    res.writeHead(200, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(out),
      'x-amzn-requestid': randomBytes(16).toString('hex'),
    });
    res.end(out);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(
    `noop${stored ? ' (stored)' : shaped ? ' (shaped)' : ''} listening on http://127.0.0.1:${server.address().port}`,
  );
});
process.on('SIGTERM', () => process.exit(0));
