/** The contract between the engine and one resource type's provider. */
import type { ServiceId } from '../../protocol/types';
import type { Tag } from '../model';
import type { Plain } from '../template/intrinsics';

export type Props = Record<string, Plain>;
export type Attributes = Record<string, Plain>;

/** A resource operation failed: `message` becomes the resource's status reason. */
export class ResourceFailure extends Error {
  constructor(
    message: string,
    /** The AWS error code behind the failure, when a service call failed. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ResourceFailure';
  }
}

export interface ResourceContext {
  region: string;
  accountId: string;
  stackName: string;
  stackId: string;
  logicalId: string;
  /** The generated physical name (StackName-LogicalId-RANDOM, trimmed) for providers that name things. */
  generatedName: string;
  /** Stack-level tags, which CloudFormation propagates to the resources that take tags. */
  stackTags: Tag[];
  /**
   * Records the physical id as soon as the first call made it, before further steps that may fail,
   * so a rollback deletes a half-made resource instead of leaving it behind.
   */
  created(physicalId: string): void;
  /** Calls another service's action in the stack's region; AWS errors become ResourceFailure. */
  call<T = Record<string, unknown>>(service: ServiceId, action: string, input: unknown): Promise<T>;
  /** Like call, but resolves undefined when the service answers with one of `notFound` codes. */
  callIgnoring<T = Record<string, unknown>>(
    service: ServiceId,
    action: string,
    input: unknown,
    notFound: string[],
  ): Promise<T | undefined>;
  /** Polls `check` until it returns true (or throws), failing after `timeoutMs` with `what`. */
  waitUntil(what: string, check: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  now(): number;
}

export interface Created {
  physicalId: string;
  attributes?: Attributes;
}

export interface ResourceProvider {
  type: string;
  /** Names accepted by Fn::GetAtt. */
  attributes: readonly string[];
  /** Property that sets a custom physical name; its presence blocks replacement (like AWS). */
  nameProperty?: string;
  /** Max length of a generated physical name; absent when the service picks the id. */
  generatedNameLength?: number;
  /** Properties whose change needs a new physical resource. Without `update`, every change does. */
  createOnly?: readonly string[];
  create(ctx: ResourceContext, props: Props): Promise<Created>;
  /** Waits until the resource is usable (instances InService, service steady); may refresh attributes. */
  stabilize?(ctx: ResourceContext, physicalId: string, props: Props): Promise<Attributes | void>;
  update?(
    ctx: ResourceContext,
    physicalId: string,
    props: Props,
    previous: Props,
  ): Promise<Attributes | void>;
  /** Deletes the resource; an already deleted resource is success. */
  delete(ctx: ResourceContext, physicalId: string, props: Props): Promise<void>;
  /** Finds a resource created under `name` before a restart lost its id (named resources only). */
  find?(ctx: ResourceContext, name: string, props: Props): Promise<Created | undefined>;
}

/** Property readers shared by the providers. */
export const prop = {
  str(props: Props, key: string): string | undefined {
    const v = props[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object')
      throw new ResourceFailure(`Property ${key}: expected a string, got ${JSON.stringify(v)}`);
    return String(v);
  },
  required(props: Props, key: string): string {
    const v = prop.str(props, key);
    if (v === undefined || v === '') throw new ResourceFailure(`Property ${key} cannot be empty.`);
    return v;
  },
  list(props: Props, key: string): Plain[] {
    const v = props[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new ResourceFailure(`Property ${key}: expected a list`);
    return v;
  },
  strList(props: Props, key: string): string[] {
    return prop.list(props, key).map((x) => {
      if (x === null || typeof x === 'object')
        throw new ResourceFailure(`Property ${key}: expected a list of strings`);
      return String(x);
    });
  },
  obj(props: Props, key: string): Props | undefined {
    const v = props[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v))
      throw new ResourceFailure(`Property ${key}: expected an object`);
    return v;
  },
  objList(props: Props, key: string): Props[] {
    return prop.list(props, key).map((x) => {
      if (x === null || typeof x !== 'object' || Array.isArray(x))
        throw new ResourceFailure(`Property ${key}: expected a list of objects`);
      return x;
    });
  },
  bool(props: Props, key: string): boolean | undefined {
    const v = props[key];
    if (v === undefined || v === null) return undefined;
    return v === true || String(v).toLowerCase() === 'true';
  },
};

/** Tags as the query APIs take them: `[{Key, Value}]` from the template's Tags property and the stack's tags. */
export function tagList(props: Props, ctx: ResourceContext, key = 'Tags'): Tag[] {
  const own = prop
    .objList(props, key)
    .map((t) => ({ Key: String(t.Key ?? ''), Value: String(t.Value ?? '') }));
  const merged = new Map<string, string>();
  for (const t of [...ctx.stackTags, ...own]) merged.set(t.Key, t.Value);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}
