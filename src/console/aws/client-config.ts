/**
 * Shared configuration of every AWS SDK client in the browser. The SDK talks to the console server's
 * same-origin proxy (`/aws/<service>`), which signs upstream: the browser never holds AWS credentials.
 * The SDK insists on credentials to sign with, so it gets a fixed placeholder the server ignores.
 */
import type {
  BuildMiddleware,
  DeserializeMiddleware,
  InitializeMiddleware,
  MetadataBearer,
  Pluggable,
} from '@smithy/types';
import { reportRetries } from './throttle';

export type AwsService =
  | 'ecs'
  | 'cloudformation'
  | 'ec2'
  | 'autoscaling'
  | 'elasticloadbalancing'
  | 'elasticloadbalancingv2'
  | 'iam'
  | 'logs'
  | 'monitoring'
  | 'application-autoscaling';

export function clientConfig(service: AwsService, region: string) {
  return {
    region,
    endpoint: `${window.location.origin}/aws/${service}`,
    credentials: { accessKeyId: 'ecs-console', secretAccessKey: 'ecs-console' },
    // One attempt: the console server already retries throttling with backoff, and TanStack Query retries
    // reads. The SDK's own 3 attempts on top made one throttled read cost 3 x 3 x 4 = 36 upstream calls.
    maxAttempts: 1,
  };
}

/** The server refuses state-changing requests without this header (a page on another origin cannot set it). */
const addConsoleHeader: BuildMiddleware<object, MetadataBearer> = (next) => async (args) => {
  const request = args.request as { headers?: Record<string, string> } | undefined;
  if (request?.headers) request.headers['x-ecs-console'] = '1';
  return next(args);
};

/** The operation name (`DescribeTargetGroups`), kept on a failed call's error as `$action`. */
const tagErrorWithAction: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
  try {
    return await next(args);
  } catch (error) {
    const action = context.commandName?.replace(/Command$/, '');
    if (action && error && typeof error === 'object' && !('$action' in error)) {
      Object.defineProperty(error, '$action', { value: action, enumerable: false });
    }
    throw error;
  }
};

/** How often the server retried a throttled call upstream (`x-ecs-console-retries`, aws/endpoint modes). */
const readRetries: DeserializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
  const out = await next(args);
  const headers = (out.response as { headers?: Record<string, string> } | undefined)?.headers;
  const retries = Number(headers?.['x-ecs-console-retries'] ?? 0);
  if (retries > 0) reportRetries(context.commandName?.replace(/Command$/, '') ?? 'a call', retries);
  return out;
};

export const consoleHeaderPlugin: Pluggable<object, MetadataBearer> = {
  applyToStack(stack) {
    stack.add(addConsoleHeader, { step: 'build', name: 'ecsConsoleHeader' });
    stack.add(tagErrorWithAction, { step: 'initialize', name: 'ecsConsoleAction', priority: 'high' });
    // Low priority: inside the deserializer, so it sees the raw response of failed calls too.
    stack.add(readRetries, { step: 'deserialize', name: 'ecsConsoleRetries', priority: 'low' });
  },
};

interface SdkClient {
  middlewareStack: { use(plugin: Pluggable<object, MetadataBearer>): void };
}

/** One client per region, pointed at the console server. Import the result only from lazily loaded code. */
export function regionalClients<C extends SdkClient>(
  service: AwsService,
  create: (config: ReturnType<typeof clientConfig>) => C,
): (region: string) => C {
  const clients = new Map<string, C>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = create(clientConfig(service, region));
      client.middlewareStack.use(consoleHeaderPlugin);
      clients.set(region, client);
    }
    return client;
  };
}
