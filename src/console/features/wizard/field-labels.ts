/**
 * Human names of answer paths, for the error summary:
 * `taskDefinition.containers.0.portMappings.1.hostPort` -> "Container 1, port mapping 2: host port".
 */
const names: Record<string, string> = {
  family: 'task definition name',
  image: 'image',
  memory: 'memory hard limit',
  memoryReservation: 'memory soft limit',
  cpu: 'CPU units',
  essential: 'essential',
  hostPort: 'host port',
  containerPort: 'container port',
  protocol: 'protocol',
  command: 'command',
  entryPoint: 'entry point',
  links: 'links',
  logConfiguration: 'log configuration',
  logDriver: 'log driver',
  options: 'log options',
  value: 'value',
  desiredCount: 'desired number of tasks',
  minimumHealthyPercent: 'minimum healthy percent',
  maximumPercent: 'maximum percent',
  loadBalancer: 'load balancer',
  containerName: 'container to load balance',
  listenerPort: 'listener port',
  healthCheckPath: 'health check path',
  instanceType: 'EC2 instance type',
  instanceCount: 'number of instances',
  keyName: 'key pair',
  ingress: 'inbound rules',
  port: 'port',
  cidr: 'source CIDR',
  instanceRole: 'container instance IAM role',
  containers: 'containers',
  portMappings: 'port mappings',
  environment: 'environment variables',
};

const groups: Record<string, string> = {
  containers: 'Container',
  portMappings: 'port mapping',
  environment: 'variable',
  ingress: 'Inbound rule',
  links: 'link',
};

/** Nested objects named before their field, e.g. "Load balancer: listener port". */
const sections: Record<string, string> = {
  loadBalancer: 'Load balancer',
  logConfiguration: 'log configuration',
};

const owners: Record<string, string> = {
  service: 'service',
  cluster: 'cluster',
  taskDefinition: 'task definition',
};

export function fieldLabel(path: string): string {
  const parts = path.split('.');
  const [owner, ...rest] = parts;
  const context: string[] = [];
  let field = '';
  for (let i = 0; i < rest.length; i++) {
    const key = rest[i] ?? '';
    const next = rest[i + 1];
    if (next !== undefined && /^\d+$/.test(next) && groups[key]) {
      context.push(`${groups[key]} ${Number(next) + 1}`);
      i++;
    } else if (next !== undefined && sections[key]) {
      context.push(sections[key]);
    } else if (key === 'name') {
      field = context.length > 0 ? 'name' : `${owners[owner ?? ''] ?? ''} name`.trim();
    } else {
      field = names[key] ?? key;
    }
  }
  const where = context.join(', ');
  const label = where && field ? `${where}: ${field}` : where || field;
  return label.charAt(0).toUpperCase() + label.slice(1);
}
