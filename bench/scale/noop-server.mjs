// The do-nothing ECS endpoint of bench/scale: the client's ceiling. It answers the workload's
// calls (awsJson 1.1, X-Amz-Target) with the smallest valid answers, keeping only the list of task
// ARNs so that ListTasks pages and DescribeTasks finds what RunTask returned. Prints its URL.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

const region = 'us-east-1';
const account = '000000000000';
const arn = (resource) => `arn:aws:ecs:${region}:${account}:${resource}`;
/** Task ARNs by cluster name, in RunTask order; every ARN RunTask returned. */
const byCluster = new Map();
const index = new Set();

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
        out.push(task);
      }
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
      return {
        tasks: (input.tasks ?? [])
          .filter((t) => index.has(t))
          .map((taskArn) => ({ taskArn, clusterArn, lastStatus: 'RUNNING', desiredStatus: 'RUNNING' })),
        failures: [],
      };
    case 'StopTask':
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
  console.log(`noop listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
