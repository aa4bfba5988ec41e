/**
 * Shared configuration of every AWS SDK client in the browser. The SDK talks to the console server's
 * same-origin proxy (`/aws/<service>`), which signs upstream: the browser never holds AWS credentials.
 * The SDK insists on credentials to sign with, so it gets a fixed placeholder the server ignores.
 */
import type { BuildMiddleware, MetadataBearer, Pluggable } from '@smithy/types';

export type AwsService =
  | 'ecs'
  | 'cloudformation'
  | 'ec2'
  | 'autoscaling'
  | 'elasticloadbalancing'
  | 'elasticloadbalancingv2'
  | 'iam';

export function clientConfig(service: AwsService, region: string) {
  return {
    region,
    endpoint: `${window.location.origin}/aws/${service}`,
    credentials: { accessKeyId: 'ecs-console', secretAccessKey: 'ecs-console' },
  };
}

/** The server refuses state-changing requests without this header (a page on another origin cannot set it). */
const addConsoleHeader: BuildMiddleware<object, MetadataBearer> = (next) => async (args) => {
  const request = args.request as { headers?: Record<string, string> } | undefined;
  if (request?.headers) request.headers['x-ecs-console'] = '1';
  return next(args);
};

export const consoleHeaderPlugin: Pluggable<object, MetadataBearer> = {
  applyToStack(stack) {
    stack.add(addConsoleHeader, { step: 'build', name: 'ecsConsoleHeader' });
  },
};
