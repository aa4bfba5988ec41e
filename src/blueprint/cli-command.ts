/**
 * One AWS API call as the AWS CLI command that makes it: `aws <service> <operation> --cli-input-json '…'`.
 * The JSON is the API input exactly as the console sends it (the SDK's input members are the API's, which
 * are what `--cli-input-json` takes), so a form's "what it sends" and its CLI command never differ.
 */

/** Quotes a value for bash: safe for any string, including quotes, `$`, backticks and newlines. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The CLI's name of an API operation: `RegisterTaskDefinition` -> `register-task-definition`. */
export function cliOperation(operation: string): string {
  return operation
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

/** The CLI's name of a service as the SDK names its client (`elasticloadbalancingv2` -> `elbv2`). */
const cliServices: Record<string, string> = { elasticloadbalancingv2: 'elbv2' };

export interface ApiCall {
  /** The SDK client's service id: ecs, cloudformation, ec2, autoscaling, elasticloadbalancingv2... */
  service: string;
  /** The API operation, e.g. CreateService. */
  operation: string;
  /** The API input, as sent. */
  input: object;
}

/** The API input as pretty JSON: what a form shows and what its request body holds. */
export function apiInputJson(input: object): string {
  return `${JSON.stringify(input, null, 2)}\n`;
}

/** `aws ecs create-service --cli-input-json '{...}'`, quoted for bash. */
export function cliCommand(call: ApiCall): string {
  const service = cliServices[call.service] ?? call.service;
  return `aws ${service} ${cliOperation(call.operation)} --cli-input-json ${shellQuote(JSON.stringify(call.input, null, 2))}`;
}

/** Several calls as one script, in order, each after a comment naming it. */
export function cliScriptOf(calls: ApiCall[]): string {
  return `${calls.map((c) => `# ${c.service} ${c.operation}\n${cliCommand(c)}`).join('\n\n')}\n`;
}
