/** The HTML page a simulated container serves on its mapped host ports. */

export interface ContainerPageInfo {
  containerName: string;
  image: string;
  containerPort: number;
  taskArn: string;
  taskDefinitionArn: string;
  clusterArn: string;
  containerInstanceArn: string;
  /** Absent for container instances registered through the API with no EC2 instance behind them. */
  ec2InstanceId?: string;
  /** Address and port this page is served on. */
  address: string;
  hostPort: number;
}

const escapeHtml = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const taskIdOf = (taskArn: string): string => taskArn.slice(taskArn.lastIndexOf('/') + 1);

/** The wizard's sample (httpd) shows the page the real sample app shows. */
const isSampleApp = (image: string): boolean => /^(?:[^/]+\/)*httpd(?::|@|$)/.test(image);

export function containerPage(info: ContainerPageInfo): string {
  const rows: [string, string][] = [
    ['Container', info.containerName],
    ['Image', info.image],
    ['Task', taskIdOf(info.taskArn)],
    ['Task ARN', info.taskArn],
    ['Task definition', info.taskDefinitionArn],
    ['Cluster', info.clusterArn],
    ['Container instance', info.containerInstanceArn],
    ['EC2 instance', info.ec2InstanceId ?? '(none: registered through the API)'],
    ['Served on', `${info.address}:${info.hostPort} (container port ${info.containerPort})`],
  ];
  const table = rows
    .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`)
    .join('\n');
  const sample = isSampleApp(info.image);
  const title = sample ? 'Amazon ECS Sample App' : `${info.containerName} on Amazon ECS (local)`;
  const banner = sample
    ? `<h1>Amazon ECS Sample App</h1>\n<h2>Congratulations!</h2>\n<p>Your application is now running on a container in Amazon ECS.</p>`
    : `<h1>${escapeHtml(info.containerName)}</h1>\n<p>This container is running on a simulated container instance of the ecs-console local control plane.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>body{margin:40px auto;max-width:60em;font-family:sans-serif;background:#333;color:#fff}th{text-align:left;padding-right:1em}code{color:#ffd78a}</style>
</head>
<body>
<main>
${banner}
<table>
${table}
</table>
</main>
</body>
</html>
`;
}
