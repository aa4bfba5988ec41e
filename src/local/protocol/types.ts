import type { ServiceModel } from './model/types';
import type { ValidationStyle } from './model/validate';

/**
 * An SDK type as handlers take and return it: the model's member names, with `Date` replaced by
 * epoch seconds (as awsJson puts timestamps on the wire; the query serializer writes ISO 8601).
 */
export type Wire<T> = T extends Date
  ? number
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/**
 * An SDK request as the endpoint hands it to a handler: `Wire<T>` where the model's required members
 * (which the SDK types as `X | undefined`) are present, at every level, since the endpoint checked them.
 */
export type Checked<T> = T extends Date
  ? number
  : T extends (infer U)[]
    ? Checked<U>[]
    : T extends object
      ? { [K in RequiredKeys<T>]: Checked<Exclude<T[K], undefined>> } & {
          [K in Exclude<keyof T, RequiredKeys<T>>]?: Checked<Exclude<T[K], undefined>>;
        }
      : T;

/** Service ids as they appear in the SigV4 credential scope. */
export type ServiceId =
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

/** Who is calling and where: derived from the SigV4 credential scope (or given for internal calls). */
export interface CallContext {
  service: ServiceId;
  action: string;
  region: string;
  accountId: string;
  requestId: string;
  /**
   * The call comes from another part of the plane (`deps.services.call`), not the wire: how AWS's own
   * services publish into the reserved `AWS/` metric namespaces, which callers may not.
   */
  internal?: boolean;
}

/**
 * One operation. `input` is the request as the model names it (the SDK's member names), checked
 * and normalised against the input shape by the endpoint, whatever the protocol or caller: numbers,
 * booleans, lists and structures typed, timestamps as epoch seconds, unknown members dropped. The
 * return value is the output under the model's member names (`Wire<SDK output>`); the endpoint
 * writes it as JSON (awsJson) or as XML by the output shape (query, ec2).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ActionHandler = (input: any, ctx: CallContext) => unknown;

export interface ServiceDefinition {
  id: ServiceId;
  /**
   * The service model (generated `shapes.gen.ts`): protocol, target prefix, XML namespace, API
   * version, signing name, and the shapes every input is checked and normalised against.
   */
  model: ServiceModel;
  /** How the service words a rejected input (default: `ValidationError`, Coral's words). */
  validation?: ValidationStyle;
  actions: Record<string, ActionHandler>;
  /** Background work the service needs (workers, proxies); started and stopped by index.ts. */
  background?: { start(): void | Promise<void>; stop(): void | Promise<void> };
}

/**
 * How one service calls another (CloudFormation resource providers, the agent, ELB): through the
 * target service's actions, never its tables. Input and output are the same structured objects a
 * handler takes and returns.
 */
export interface ServiceCaller {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call<T = any>(service: ServiceId, action: string, input: unknown, ctx?: CallOptions): Promise<T>;
}

/** Who calls an action in process, and how its input is read. */
export interface CallOptions extends Partial<CallContext> {
  /**
   * Convert scalars to the model's types (`'80'` for an integer member, `80` for a string member),
   * as CloudFormation does with template property values. Without it, input must be typed.
   */
  coerce?: boolean;
}
