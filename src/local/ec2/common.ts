/**
 * What every EC2 action shares: the call `Scope` (the store, seen from the caller's region), EC2's
 * errors, tags, Describe* filters, the default VPC, and CIDR arithmetic.
 */
import type * as ec2 from '@aws-sdk/client-ec2';
import type { LocalDeps } from '../deps';
import { ec2Id } from '../common/ids';
import { offsetPage } from '../common/offset-page';
import { AwsError } from '../protocol/errors';
import type { CallContext, Wire } from '../protocol/types';
import {
  resourceTypeOf,
  tagKey,
  type Ec2Resource,
  type Ec2Store,
  type ResourceKind,
  type ResourceOf,
  type RouteTableRecord,
  type SecurityGroupRecord,
  type SubnetRecord,
  type VpcRecord,
} from './model';

export const ec2Errors = {
  invalid: (message: string) => new AwsError('InvalidParameterValue', message, 400),
  missing: (name: string) =>
    new AwsError('MissingParameter', `The request must contain the parameter ${name}`, 400),
  notFound: (code: string, message: string) => new AwsError(code, message, 400),
  dependency: (message: string) => new AwsError('DependencyViolation', message, 400),
};

/** How each resource kind reports "does not exist". */
const NOT_FOUND: Record<ResourceKind, (id: string) => AwsError> = {
  vpc: (id) => ec2Errors.notFound('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`),
  subnet: (id) => ec2Errors.notFound('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`),
  igw: (id) =>
    ec2Errors.notFound('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${id}' does not exist`),
  rtb: (id) => ec2Errors.notFound('InvalidRouteTableID.NotFound', `The routeTable ID '${id}' does not exist`),
  sg: (id) => ec2Errors.notFound('InvalidGroup.NotFound', `The security group '${id}' does not exist`),
  lt: (id) =>
    ec2Errors.notFound(
      'InvalidLaunchTemplateId.NotFound',
      `The specified launch template, with template ID ${id}, does not exist.`,
    ),
  key: (id) => ec2Errors.notFound('InvalidKeyPair.NotFound', `The key pair '${id}' does not exist`),
  eni: (id) =>
    ec2Errors.notFound(
      'InvalidNetworkInterfaceID.NotFound',
      `The networkInterface ID '${id}' does not exist`,
    ),
};

export type Filters = Wire<ec2.Filter>[] | undefined;
export type Tag = { key: string; value: string };

export const zoneNames = (region: string): string[] => ['a', 'b', 'c'].map((s) => `${region}${s}`);

/** Stored epoch milliseconds as the wire's epoch seconds. */
export const seconds = (ms: number): number => ms / 1000;

/** One EC2 call: the store as the caller's region sees it. */
export class Scope {
  constructor(
    readonly deps: LocalDeps,
    readonly store: Ec2Store,
    readonly region: string,
    readonly accountId: string,
  ) {}

  now(): number {
    return this.deps.clock.now();
  }

  /** A resource of a kind in this region, or that kind's NotFound error. */
  get<K extends ResourceKind>(kind: K, id: string | undefined): ResourceOf<K> {
    const found = id ? this.store.resources.get(id) : undefined;
    if (!found || found.kind !== kind || found.region !== this.region) throw NOT_FOUND[kind](id ?? '');
    return found as ResourceOf<K>;
  }

  list<K extends ResourceKind>(kind: K): ResourceOf<K>[] {
    return this.store.resources.find({ scope: `${this.region}/${kind}` }) as ResourceOf<K>[];
  }

  inVpc(vpcId: string): Ec2Resource[] {
    return this.store.resources.find({ vpc: vpcId });
  }

  put(resource: Ec2Resource): void {
    this.store.resources.put(resource.id, resource);
  }

  tagsOf(resourceId: string): Tag[] {
    return this.store.tags.find({ resource: resourceId }).map((t) => ({ key: t.key, value: t.value }));
  }

  /** A resource's tags as the wire lists them (`tagSet`). */
  tagList(resourceId: string): Wire<ec2.Tag>[] {
    return this.tagsOf(resourceId).map((t) => ({ Key: t.key, Value: t.value }));
  }

  setTags(resourceId: string, tags: Tag[]): void {
    const resourceType = resourceTypeOf(resourceId) ?? 'instance';
    for (const t of tags) {
      this.store.tags.put(tagKey(resourceId, t.key), {
        resourceId,
        resourceType,
        region: this.region,
        key: t.key,
        value: t.value,
      });
    }
  }

  dropTags(resourceId: string): void {
    for (const t of this.store.tags.find({ resource: resourceId }))
      this.store.tags.delete(tagKey(resourceId, t.key));
  }

  /** Stores a new resource with the tags its TagSpecifications give `resourceType`. */
  create<R extends Ec2Resource>(
    resource: R,
    specs: Wire<ec2.TagSpecification>[] | undefined,
    resourceType: string,
  ): R {
    this.put(resource);
    this.setTags(resource.id, tagSpec(specs, resourceType));
    return resource;
  }

  /** Deletes a resource and its tags. */
  remove(resourceId: string): void {
    this.store.resources.delete(resourceId);
    this.dropTags(resourceId);
  }

  /** One page of a Describe* result (MaxResults' range is checked by the model). */
  page<T>(items: T[], input: { MaxResults?: number; NextToken?: string }, call: string) {
    const { page, next } = offsetPage(items, input.MaxResults, input.NextToken, call, (token) =>
      ec2Errors.invalid(`Invalid value '${token.slice(0, 64)}' for nextToken`),
    );
    return { items: page, ...(next && { NextToken: next }) };
  }

  /**
   * Describe* over one resource kind: the ids asked for (each must exist, else that kind's NotFound)
   * or all of `all`, then the filters (`fields` as in `filter`).
   */
  describe<K extends ResourceKind>(
    kind: K,
    all: ResourceOf<K>[],
    ids: string[] | undefined,
    filters: Filters,
    fields: (item: ResourceOf<K>) => Record<string, unknown>,
  ): ResourceOf<K>[] {
    let items = all;
    if (ids?.length) {
      const byId = new Map(all.map((x) => [x.id, x]));
      const missing = ids.find((id) => !byId.has(id));
      if (missing !== undefined) throw NOT_FOUND[kind](missing);
      items = ids.map((id) => byId.get(id) as ResourceOf<K>);
    }
    return this.filter(items, filters, (x) => x.id, fields);
  }

  /**
   * Keeps the items every filter matches. `fields` gives each supported filter's values for an
   * item; `tag:K`, `tag-key` and `tag-value` work on any tagged resource.
   */
  filter<T>(
    items: T[],
    filters: Filters,
    idOf: (item: T) => string,
    fields: (item: T) => Record<string, unknown>,
  ): T[] {
    if (!filters?.length) return items;
    return items.filter((item) => {
      const f = fields(item);
      for (const { Name: name = '', Values: values = [] } of filters) {
        let have: string[];
        if (name.startsWith('tag:')) {
          const key = name.slice(4);
          have = this.tagsOf(idOf(item))
            .filter((t) => t.key === key)
            .map((t) => t.value);
        } else if (name === 'tag-key') {
          have = this.tagsOf(idOf(item)).map((t) => t.key);
        } else if (name === 'tag-value') {
          have = this.tagsOf(idOf(item)).map((t) => t.value);
        } else if (Object.hasOwn(f, name)) {
          const v = f[name];
          have = (Array.isArray(v) ? v : [v]).filter((x) => x !== undefined && x !== null).map(String);
        } else {
          throw ec2Errors.invalid(`The filter '${name}' is invalid`);
        }
        if (!values.some((pattern) => have.some((h) => wildcardMatch(pattern, h)))) return false;
      }
      return true;
    });
  }

  /** A VPC with its main route table (local route) and its `default` security group. */
  createVpcRecords(cidrBlock: string, isDefault: boolean): VpcRecord {
    const region = this.region;
    const vpc: VpcRecord = { kind: 'vpc', id: ec2Id('vpc'), region, cidrBlock, isDefault };
    this.put(vpc);
    const rtb: RouteTableRecord = {
      kind: 'rtb',
      id: ec2Id('rtb'),
      region,
      vpcId: vpc.id,
      main: true,
      routes: [{ destinationCidrBlock: cidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' }],
      associations: [{ associationId: ec2Id('rtbassoc'), main: true }],
    };
    this.put(rtb);
    const sg: SecurityGroupRecord = {
      kind: 'sg',
      id: ec2Id('sg'),
      region,
      vpcId: vpc.id,
      groupName: 'default',
      description: 'default VPC security group',
      ingress: [],
      egress: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }], groups: [] }],
    };
    sg.ingress.push({ ipProtocol: '-1', ipRanges: [], groups: [{ groupId: sg.id }] });
    this.put(sg);
    return vpc;
  }

  defaultVpc(): VpcRecord | undefined {
    return this.list('vpc').find((v) => v.isDefault);
  }

  mainRouteTable(vpcId: string): RouteTableRecord | undefined {
    return this.inVpc(vpcId).find((r): r is RouteTableRecord => r.kind === 'rtb' && r.main);
  }
}

/**
 * The scope of one call. The first call in a region creates that region's default VPC (subnets in
 * a, b, c; an internet gateway; the main route table's default route; the default group), once per
 * state file (`Db.seedOnce`).
 */
export function scopeOf(deps: LocalDeps, store: Ec2Store, ctx: CallContext): Scope {
  const s = new Scope(deps, store, ctx.region, ctx.accountId);
  deps.db.seedOnce(`ec2-defaults:${ctx.region}`, () => createDefaultVpc(s));
  return s;
}

function createDefaultVpc(s: Scope): void {
  const vpc = s.createVpcRecords('172.31.0.0/16', true);
  zoneNames(s.region).forEach((zone, i) => {
    const subnet: SubnetRecord = {
      kind: 'subnet',
      id: ec2Id('subnet'),
      region: s.region,
      vpcId: vpc.id,
      cidrBlock: `172.31.${i * 16}.0/20`,
      availabilityZone: zone,
      defaultForAz: true,
      mapPublicIpOnLaunch: true,
    };
    s.put(subnet);
  });
  const igw = { kind: 'igw' as const, id: ec2Id('igw'), region: s.region, vpcId: vpc.id };
  s.put(igw);
  const main = s.mainRouteTable(vpc.id);
  if (main) {
    main.routes.push({ destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id, origin: 'CreateRoute' });
    s.put(main);
  }
}

/** Tags for one resource type from TagSpecifications input. */
export function tagSpec(specs: Wire<ec2.TagSpecification>[] | undefined, resourceType: string): Tag[] {
  const out: Tag[] = [];
  for (const spec of specs ?? []) {
    if (spec.ResourceType !== resourceType) continue;
    for (const t of spec.Tags ?? []) if (t.Key) out.push({ key: t.Key, value: t.Value ?? '' });
  }
  return out;
}

/**
 * EC2 filter values accept `*` (any run of characters) and `?` (any one character); a backslash
 * makes the next character literal (`\*amazon\?\\` is the text `*amazon?\`). A hand matcher, not a
 * RegExp: a pattern such as `*a*a*a*...*b` makes a backtracking engine take exponential time, this
 * one at most pattern length x value length steps.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  // Tokens: a literal character, or a wildcard.
  const tokens: { wild?: '*' | '?'; char?: string }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) tokens.push({ char: pattern[++i] as string });
    else if (c === '*' || c === '?') tokens.push({ wild: c });
    else tokens.push({ char: c });
  }
  let t = 0;
  let v = 0;
  let star = -1; // token index of the last `*` seen
  let resume = 0; // value index that `*` would absorb up to, when retried
  while (v < value.length) {
    const token = tokens[t];
    if (token && (token.wild === '?' || token.char === value[v])) {
      t++;
      v++;
    } else if (token?.wild === '*') {
      star = t++;
      resume = v;
    } else if (star >= 0) {
      // The last `*` takes one more character, and matching resumes after it.
      t = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (tokens[t]?.wild === '*') t++;
  return t === tokens.length;
}

/** `10.0.1.0/24` -> [network as uint32, prefix length], or undefined when malformed. */
export function parseCidr(cidr: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const ip = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return [ip - (ip % size), prefix];
}

export function cidrContains(outer: [number, number], inner: [number, number]): boolean {
  const size = 2 ** (32 - outer[1]);
  return inner[1] >= outer[1] && inner[0] >= outer[0] && inner[0] < outer[0] + size;
}

export function cidrOverlaps(a: [number, number], b: [number, number]): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** `us-east-1a` -> `use1-az1` (the shape of AWS zone ids). */
export function zoneId(zone: string): string {
  const m = /^([a-z]+)-([a-z]+)-(\d+)([a-z])$/.exec(zone);
  if (!m) return zone;
  const [, a, b, n, letter] = m as unknown as [string, string, string, string, string];
  const dir = b
    .replace(/north/, 'n')
    .replace(/south/, 's')
    .replace(/east/, 'e')
    .replace(/west/, 'w')
    .replace(/central/, 'c');
  return `${a}${dir}${n}-az${letter.charCodeAt(0) - 96}`;
}
