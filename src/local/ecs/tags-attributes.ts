/** TagResource, UntagResource, ListTagsForResource; PutAttributes, ListAttributes, DeleteAttributes. */
import type * as ecs from '@aws-sdk/client-ecs';
import { AwsError } from '../protocol/errors';
import {
  anyCluster,
  clusterArnOf,
  compareStrings,
  ecsResource,
  errors,
  maxResultsOf,
  mergeTags,
  pageOf,
  validateTags,
  type Scope,
} from './common';
import { attributeTarget, validateAttribute } from './instances';
import type { Wire } from './model';

interface Tagged {
  tags: ecs.Tag[];
  save(tags: ecs.Tag[]): void;
}

/** The resource an ECS ARN names, with its tags (ResourceNotFoundException when it does not exist). */
function taggedResource(s: Scope, resourceArn: string): Tagged {
  const resource = ecsResource(s, resourceArn);
  const kind = resource?.split('/')[0];
  if (!resource || !kind) throw errors.invalid('The ARN provided is not a valid ECS resource ARN.');
  const notFound = () => errors.resourceNotFound('The specified resource is not found.');
  switch (kind) {
    case 'cluster': {
      const rec = s.col.clusters.get(resourceArn);
      if (!rec || rec.cluster.status !== 'ACTIVE') throw notFound();
      return {
        tags: rec.cluster.tags ?? [],
        save: (tags) => s.col.clusters.put(resourceArn, { ...rec, cluster: { ...rec.cluster, tags } }),
      };
    }
    case 'task-definition': {
      const rec = s.col.taskDefinitions.get(resourceArn);
      if (!rec || rec.taskDefinition.status === 'DELETE_IN_PROGRESS') throw notFound();
      return { tags: rec.tags, save: (tags) => s.col.taskDefinitions.put(resourceArn, { ...rec, tags }) };
    }
    case 'service': {
      const rec = s.col.services.get(resourceArn);
      if (!rec || rec.service.status === 'INACTIVE') throw notFound();
      return {
        tags: rec.service.tags ?? [],
        save: (tags) => s.col.services.put(resourceArn, { ...rec, service: { ...rec.service, tags } }),
      };
    }
    case 'task': {
      const rec = s.col.tasks.get(resourceArn);
      if (!rec) throw notFound();
      return {
        tags: rec.task.tags ?? [],
        save: (tags) => s.col.tasks.put(resourceArn, { ...rec, task: { ...rec.task, tags } }),
      };
    }
    case 'task-set': {
      // task-set/<cluster>/<service>/ecs-svc/<digits>: the set lives on its service.
      const [, cluster, service] = resource.split('/');
      const serviceArn = `${resourceArn.slice(0, resourceArn.indexOf(':task-set/'))}:service/${cluster}/${service}`;
      const rec = s.col.services.get(serviceArn);
      const set = rec?.service.taskSets?.find((x) => x.taskSetArn === resourceArn);
      if (!rec || rec.service.status !== 'ACTIVE' || !set) throw notFound();
      return {
        tags: set.tags ?? [],
        save: (tags) =>
          s.col.services.put(serviceArn, {
            ...rec,
            service: {
              ...rec.service,
              taskSets: (rec.service.taskSets ?? []).map((x) => (x === set ? { ...x, tags } : x)),
            },
          }),
      };
    }
    case 'container-instance': {
      const rec = s.col.containerInstances.get(resourceArn);
      if (!rec || rec.containerInstance.status === 'INACTIVE') throw notFound();
      return {
        tags: rec.containerInstance.tags ?? [],
        save: (tags) =>
          s.col.containerInstances.put(resourceArn, {
            ...rec,
            containerInstance: { ...rec.containerInstance, tags },
          }),
      };
    }
    default:
      throw errors.invalid('The ARN provided is not a valid ECS resource ARN.');
  }
}

export function tagResource(s: Scope, input: Wire<ecs.TagResourceRequest>) {
  const tags = validateTags(input.tags);
  if (tags.length === 0) throw errors.invalid('Tags cannot be empty.');
  s.deps.db.tx(() => {
    const target = taggedResource(s, input.resourceArn ?? '');
    target.save(mergeTags(target.tags, tags));
  });
  return {};
}

export function untagResource(s: Scope, input: Wire<ecs.UntagResourceRequest>) {
  const keys = new Set(input.tagKeys ?? []);
  s.deps.db.tx(() => {
    const target = taggedResource(s, input.resourceArn ?? '');
    target.save(target.tags.filter((t) => !keys.has(t.key ?? '')));
  });
  return {};
}

export function listTagsForResource(s: Scope, input: Wire<ecs.ListTagsForResourceRequest>) {
  return { tags: taggedResource(s, input.resourceArn ?? '').tags };
}

const RESERVED_ATTRIBUTE_PREFIXES = ['ecs.', 'com.amazonaws.ecs.'];
const MAX_ATTRIBUTES_PER_INSTANCE = 128;

function checkTargets(attributes: Wire<ecs.Attribute>[]): void {
  if (attributes.length === 0) throw errors.invalid('Attributes cannot be empty.');
  if (attributes.length > 10) throw errors.invalid('Attributes cannot have more than 10 items.');
  for (const a of attributes) {
    validateAttribute(a);
    if (a.targetId === undefined) throw errors.invalid(`Attribute ${a.name} must have a targetId.`);
  }
}

export function putAttributes(s: Scope, input: Wire<ecs.PutAttributesRequest>) {
  const attributes = input.attributes ?? [];
  checkTargets(attributes);
  for (const a of attributes) {
    if (RESERVED_ATTRIBUTE_PREFIXES.some((p) => (a.name ?? '').startsWith(p))) {
      throw errors.invalid(
        `Attribute names beginning with ecs. or com.amazonaws.ecs. are reserved: ${a.name}.`,
      );
    }
  }
  s.deps.db.tx(() => {
    for (const a of attributes) {
      const rec = attributeTarget(s, input.cluster, a.targetId as string);
      const kept = (rec.containerInstance.attributes ?? []).filter((x) => x.name !== a.name);
      const next = [...kept, { name: a.name, ...(a.value !== undefined ? { value: a.value } : {}) }];
      if (next.length > MAX_ATTRIBUTES_PER_INSTANCE) {
        throw new AwsError(
          'AttributeLimitExceededException',
          `You can apply up to ${MAX_ATTRIBUTES_PER_INSTANCE} attributes to a container instance.`,
        );
      }
      rec.containerInstance = { ...rec.containerInstance, attributes: next };
      s.col.containerInstances.put(rec.containerInstance.containerInstanceArn, rec);
    }
  });
  return { attributes };
}

export function deleteAttributes(s: Scope, input: Wire<ecs.DeleteAttributesRequest>) {
  const attributes = input.attributes ?? [];
  checkTargets(attributes);
  s.deps.db.tx(() => {
    for (const a of attributes) {
      const rec = attributeTarget(s, input.cluster, a.targetId as string);
      rec.containerInstance = {
        ...rec.containerInstance,
        attributes: (rec.containerInstance.attributes ?? []).filter((x) => x.name !== a.name),
      };
      s.col.containerInstances.put(rec.containerInstance.containerInstanceArn, rec);
    }
  });
  return { attributes };
}

export function listAttributes(s: Scope, input: Wire<ecs.ListAttributesRequest>) {
  const max = maxResultsOf(input.maxResults, 100);
  if (input.attributeValue !== undefined && input.attributeName === undefined) {
    throw errors.invalid('attributeName must be specified when attributeValue is specified.');
  }
  const cluster = anyCluster(s, input.cluster);
  const all: Wire<ecs.Attribute>[] = [];
  for (const rec of s.col.containerInstances.peekMany({ cluster: cluster.cluster.clusterArn })) {
    if (rec.containerInstance.status === 'INACTIVE') continue;
    for (const a of rec.containerInstance.attributes ?? []) {
      if (input.attributeName !== undefined && a.name !== input.attributeName) continue;
      if (input.attributeValue !== undefined && a.value !== input.attributeValue) continue;
      all.push({
        ...a,
        targetType: 'container-instance',
        targetId: rec.containerInstance.containerInstanceArn,
      });
    }
  }
  all.sort((a, b) => compareStrings(attributeKey(a), attributeKey(b)));
  const query = `ListAttributes|${clusterArnOf(s, cluster.cluster.clusterName)}|${input.attributeName ?? ''}|${input.attributeValue ?? ''}`;
  const { page, nextToken } = pageOf(all, attributeKey, input.nextToken, max, query);
  return { attributes: page, ...(nextToken ? { nextToken } : {}) };
}

const attributeKey = (a: Wire<ecs.Attribute>) => `${a.targetId ?? ''}|${a.name}`;
