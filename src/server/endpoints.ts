/**
 * The fixed upstream table: which AWS endpoint serves a console service in a region. The request
 * only picks the service (from the path) and the region (from its SigV4 scope, checked against
 * `knownRegions`); host names are never taken from the request.
 */
import { credentialScope, isKnownRegion } from '../local/index';

/** Services the SPA talks to, as they appear in `/aws/<service>`. */
export const consoleServices = [
  'ecs',
  'cloudformation',
  'ec2',
  'autoscaling',
  'elasticloadbalancing',
  'elasticloadbalancingv2',
  'iam',
  'logs',
  'monitoring',
  'application-autoscaling',
] as const;
export type ConsoleService = (typeof consoleServices)[number];

export const isConsoleService = (s: string): s is ConsoleService =>
  (consoleServices as readonly string[]).includes(s);

/** The known regions live with the local control plane, which refuses any other (one list for both). */
export { isKnownRegion, knownRegions } from '../local/index';

/** SigV4 signing name per service (ELB v1 and v2 share one). */
export const signingNames: Record<ConsoleService | 'sts', string> = {
  ecs: 'ecs',
  cloudformation: 'cloudformation',
  ec2: 'ec2',
  autoscaling: 'autoscaling',
  elasticloadbalancing: 'elasticloadbalancing',
  elasticloadbalancingv2: 'elasticloadbalancing',
  iam: 'iam',
  logs: 'logs',
  monitoring: 'monitoring',
  'application-autoscaling': 'application-autoscaling',
  sts: 'sts',
};

/** Where a signed request goes: URL of the service root, and the region to sign for. */
export interface Upstream {
  url: string;
  signingRegion: string;
}

/** Resolves the upstream of a service in a region. Injected in tests only, to point at a local fake. */
export type EndpointTable = (service: ConsoleService | 'sts', region: string) => Upstream;

/** The real AWS endpoints. IAM is global: one endpoint, signed for us-east-1. */
export const awsEndpointTable: EndpointTable = (service, region) => {
  if (!isKnownRegion(region)) throw new Error(`unknown region ${region}`);
  if (service === 'iam') return { url: 'https://iam.amazonaws.com/', signingRegion: 'us-east-1' };
  const host = service === 'elasticloadbalancingv2' ? 'elasticloadbalancing' : service;
  return { url: `https://${host}.${region}.amazonaws.com/`, signingRegion: region };
};

/** One AWS-compatible server (moto, LocalStack) answering every service. */
export const singleEndpointTable =
  (url: string): EndpointTable =>
  (service, region) => ({ url, signingRegion: service === 'iam' ? 'us-east-1' : region });

/** The console service a request signed for `signingName` belongs to (for the AWS endpoint on `/`). */
export function serviceForSigningName(signingName: string): ConsoleService | null {
  const found = consoleServices.find((s) => signingNames[s] === signingName);
  return found ?? null;
}

/** `Credential=AKID/20260101/us-east-1/ecs/aws4_request` -> access key, region and service. */
export function sigv4Scope(
  authorization: string | undefined,
): { accessKeyId: string; region: string; service: string } | null {
  if (!authorization?.startsWith('AWS4-HMAC-SHA256 ')) return null;
  return credentialScope(authorization);
}
