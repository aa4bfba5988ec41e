/**
 * CloudFormation (awsQuery). The endpoint checks every input against the model (shapes.gen.ts);
 * actions validate the rest (template, parameters, capabilities) before writing; the stack record is
 * committed in its *_IN_PROGRESS state and the engine (the service's background part) carries the
 * operation out.
 */
import { randomUUID } from 'node:crypto';
import type * as cfn from '@aws-sdk/client-cloudformation';
import type { LocalDeps } from '../deps';
import { dictFrom, own } from '../common/safe-object';
import { AwsError } from '../protocol/errors';
import type { CallContext, ServiceDefinition, Wire } from '../protocol/types';
import { StackEngine } from './engine';
import {
  cfnStore,
  isInProgress,
  type EventRecord,
  type OnFailure,
  type ResourceRecord,
  type StackRecord,
  type StackStatus,
  type Tag,
} from './model';
import { STACK_NAME_PATTERN, stackArn } from './naming';
import { checkAwsParameterValues, checkExportNames, checkLiteralImports } from './parameter-checks';
import { resourceProvider } from './resources';
import { resolveSsm } from './ssm';
import { analyzeTemplate, type TemplateAnalysis } from './template/analyze';
import { evaluateConditions, type EvalContext } from './template/intrinsics';
import {
  resolveParameters,
  ssmNames,
  type ParameterInput,
  type ResolvedParameter,
} from './template/parameters';
import { parseTemplate, validationError } from './template/parse';
import type { Template } from './template/types';
import { model } from './shapes.gen';

const PAGE = 100;
const UPDATABLE: StackStatus[] = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'];

const truthy = (v: unknown): boolean => v === true || String(v).toLowerCase() === 'true';
/** Stored epoch milliseconds as the wire's epoch seconds. */
const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

/** A stack name or id the model requires (an empty one is as good as none). */
function stackNameOf(name: string | undefined): string {
  if (!name) {
    throw validationError(
      `1 validation error detected: Value null at 'stackName' failed to satisfy constraint: Member must not be null`,
    );
  }
  return name;
}

/** Tags (count and lengths checked by the model): none may use the reserved `aws:` prefix. */
function readTags(tags: Wire<cfn.Tag>[] | undefined): Tag[] {
  const out = (tags ?? []).map((t) => ({ Key: t.Key as string, Value: t.Value as string }));
  for (const t of out) {
    if (t.Key.startsWith('aws:'))
      throw validationError('Invalid tag key: tag keys cannot start with the reserved prefix aws:');
  }
  return out;
}

function pageOf<T>(items: T[], token: string | undefined): { page: T[]; next?: string } {
  const start = token === undefined ? 0 : Number(token);
  if (!Number.isInteger(start) || start < 0 || start > items.length)
    throw validationError('Invalid NextToken');
  const page = items.slice(start, start + PAGE);
  return { page, next: start + PAGE < items.length ? String(start + PAGE) : undefined };
}

export function createCloudFormationService(deps: LocalDeps): ServiceDefinition {
  const store = cfnStore(deps.db);
  const engine = new StackEngine(deps, store, resourceProvider);
  const attributes = (type: string) => resourceProvider(type)?.attributes;

  const analyze = (template: Template): TemplateAnalysis => analyzeTemplate(template, attributes);

  function findStack(
    nameOrId: string,
    region: string,
    includeDeleted = nameOrId.startsWith('arn:'),
  ): StackRecord {
    const stack = nameOrId.startsWith('arn:')
      ? store.stacks.get(nameOrId)
      : store.stacks.find({ active: `${region}|${nameOrId}` })[0];
    if (!stack || stack.region !== region || (!includeDeleted && stack.status === 'DELETE_COMPLETE')) {
      throw validationError(`Stack with id ${nameOrId} does not exist`);
    }
    return stack;
  }

  /** The capabilities given (the model checks each is known) against what the template needs. */
  function checkCapabilities(analysis: TemplateAnalysis, given: string[]): void {
    const needed = analysis.capabilities[0];
    if (!needed) return;
    const ok =
      needed === 'CAPABILITY_IAM'
        ? given.includes('CAPABILITY_IAM') || given.includes('CAPABILITY_NAMED_IAM')
        : given.includes(needed);
    if (!ok)
      throw new AwsError('InsufficientCapabilitiesException', `Requires capabilities : [${needed}]`, 400);
  }

  async function availabilityZones(region: string): Promise<string[]> {
    try {
      const out = await deps.services.call<{ AvailabilityZones?: { ZoneName: string }[] }>(
        'ec2',
        'DescribeAvailabilityZones',
        {},
        { region },
      );
      const zones = (out.AvailabilityZones ?? []).map((z) => z.ZoneName);
      if (zones.length) return zones;
    } catch (e) {
      deps.log('cloudformation: DescribeAvailabilityZones failed, using a/b/c', { region, err: String(e) });
    }
    return ['a', 'b', 'c'].map((z) => region + z);
  }

  /** Template + parameters -> everything CreateStack/UpdateStack need, validated, nothing written. */
  async function prepare(
    body: string,
    paramInput: ParameterInput[],
    capabilities: string[],
    region: string,
    accountId: string,
    pseudo: { stackName: string; stackId: string },
    previous: Record<string, string> = {},
  ) {
    const template = parseTemplate(body);
    const analysis = analyze(template);
    checkCapabilities(analysis, capabilities);
    const ssm = await resolveSsm(deps.services, region, ssmNames(template, paramInput, previous));
    const parameters = resolveParameters(template, paramInput, (n) => ssm.get(n), previous);
    await checkAwsParameterValues(template, parameters, deps.services, region);
    checkLiteralImports(template, store, region);
    const azs = await availabilityZones(region);
    const resolved = dictFrom(Object.entries(parameters).map(([k, p]) => [k, p.resolved]));
    const conditionContext: Omit<EvalContext, 'conditions'> = {
      parameters: resolved,
      pseudo: { region, accountId, ...pseudo, notificationArns: [] },
      mappings: template.Mappings,
      resourceRef: (id) => {
        throw validationError(
          `Template format error: Unresolved resource dependencies [${id}] in the Conditions block of the template`,
        );
      },
      resourceAttribute: (id) => {
        throw validationError(
          `Template format error: Unresolved resource dependencies [${id}] in the Conditions block of the template`,
        );
      },
      importValue: (name) => {
        throw validationError(`Template error: Fn::ImportValue ${name} cannot be used in Conditions`);
      },
      availabilityZones: (r) => (r === region ? azs : ['a', 'b', 'c'].map((z) => r + z)),
    };
    const conditions = evaluateConditions(template, conditionContext);
    checkExportNames(template, { ...conditionContext, conditions });
    return { template, analysis, parameters, azs };
  }

  function readParameters(params: Wire<cfn.Parameter>[] | undefined): ParameterInput[] {
    return (params ?? []).map((p) => ({
      ParameterKey: p.ParameterKey,
      ParameterValue: p.ParameterValue,
      UsePreviousValue: p.UsePreviousValue,
    }));
  }

  function event(stack: StackRecord, status: StackStatus, reason: string): void {
    engine.event(stack, stack.stackName, stack.stackId, 'AWS::CloudFormation::Stack', status, reason);
  }

  // ---- renderers ---------------------------------------------------------------------------------

  const renderParameters = (params: Record<string, ResolvedParameter>) =>
    Object.entries(params).map(([k, p]) => ({
      ParameterKey: k,
      ParameterValue: p.noEcho ? '****' : p.value,
      ResolvedValue: p.ssmValue,
    }));

  /** A StackSummary (ListStacks); DescribeStacks adds the rest. */
  const renderStackSummary = (s: StackRecord) => ({
    StackId: s.stackId,
    StackName: s.stackName,
    TemplateDescription: s.description,
    CreationTime: seconds(s.createdAt),
    LastUpdatedTime: seconds(s.updatedAt),
    DeletionTime: seconds(s.deletedAt),
    StackStatus: s.status,
    StackStatusReason: s.statusReason,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  });

  function renderStack(s: StackRecord) {
    const { TemplateDescription, ...summary } = renderStackSummary(s);
    return {
      ...summary,
      Description: TemplateDescription,
      Parameters: renderParameters(s.parameters),
      DisableRollback: s.onFailure === 'DO_NOTHING',
      NotificationARNs: s.notificationArns,
      Capabilities: s.capabilities,
      Outputs: s.outputs.map((o) => ({ ...o })),
      Tags: s.tags,
      EnableTerminationProtection: false,
    };
  }

  const renderEvent = (e: EventRecord) => ({
    StackId: e.stackId,
    EventId: e.eventId,
    StackName: e.stackName,
    LogicalResourceId: e.logicalId,
    PhysicalResourceId: e.physicalId ?? '',
    ResourceType: e.type,
    Timestamp: seconds(e.timestamp),
    ResourceStatus: e.status,
    ResourceStatusReason: e.reason,
    ResourceProperties: e.properties,
    ClientRequestToken: e.clientRequestToken,
  });

  const renderResource = (s: StackRecord, r: ResourceRecord) => ({
    StackName: s.stackName,
    StackId: s.stackId,
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId,
    ResourceType: r.type,
    Timestamp: seconds(r.updatedAt),
    ResourceStatus: r.status,
    ResourceStatusReason: r.statusReason,
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
  });

  /** A template's parameter declarations (ValidateTemplate); `summary` adds GetTemplateSummary's fields. */
  function templateParameters(template: Template, summary = false) {
    return Object.entries(template.Parameters).map(([k, p]) => ({
      ParameterKey: k,
      DefaultValue:
        p.Default === undefined
          ? undefined
          : Array.isArray(p.Default)
            ? p.Default.join(',')
            : String(p.Default),
      ParameterType: summary ? p.Type : undefined,
      NoEcho: truthy(p.NoEcho),
      Description: p.Description,
      ParameterConstraints: !summary
        ? undefined
        : p.AllowedValues
          ? { AllowedValues: p.AllowedValues.map(String) }
          : {},
    }));
  }

  /** What ValidateTemplate and GetTemplateSummary both report about a template body. */
  function describeTemplate(body: string, summary: boolean) {
    const template = parseTemplate(body);
    const analysis = analyze(template);
    return {
      template,
      common: {
        Parameters: templateParameters(template, summary),
        Description: template.Description,
        Capabilities: analysis.capabilities,
        CapabilitiesReason: analysis.capabilitiesReason,
        DeclaredTransforms: [],
      },
    };
  }

  /** TemplateBody input (TemplateURL is refused: the local plane fetches nothing). */
  function templateBody(input: { TemplateURL?: string; TemplateBody?: string }): string {
    if (input.TemplateURL !== undefined && input.TemplateBody === undefined) {
      throw validationError(
        'TemplateURL is not supported by the local control plane: pass the template as TemplateBody.',
      );
    }
    const body = input.TemplateBody;
    if (body === undefined) throw validationError('Either Template URL or Template Body must be specified.');
    return body;
  }

  /** Moves a stack to a user-initiated status (with its event) for the engine to carry out. */
  function setStatus(stackId: string, status: StackStatus): void {
    deps.db.tx(() => {
      const s = store.stacks.get(stackId) as StackRecord;
      s.status = status;
      s.statusReason = 'User Initiated';
      store.stacks.put(s.stackId, s);
      event(s, status, 'User Initiated');
    });
  }

  // ---- actions -----------------------------------------------------------------------------------

  const actions: ServiceDefinition['actions'] = {
    async CreateStack(input: Wire<cfn.CreateStackInput>, ctx: CallContext) {
      const stackName = stackNameOf(input.StackName);
      if (!STACK_NAME_PATTERN.test(stackName) || stackName.length > 128) {
        throw validationError(
          `1 validation error detected: Value '${stackName}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
        );
      }
      const body = templateBody(input);
      if (input.OnFailure !== undefined && input.DisableRollback !== undefined) {
        throw validationError('Either DisableRollback or OnFailure can be specified, not both.');
      }
      const onFailure: OnFailure = input.OnFailure ?? (input.DisableRollback ? 'DO_NOTHING' : 'ROLLBACK');
      const token = input.ClientRequestToken;
      const existing = store.stacks.find({ active: `${ctx.region}|${stackName}` })[0];
      if (existing) {
        if (token && existing.clientRequestToken === token) return { StackId: existing.stackId };
        throw new AwsError('AlreadyExistsException', `Stack [${stackName}] already exists`, 400);
      }
      const tags = readTags(input.Tags);
      const capabilities = input.Capabilities ?? [];
      const timeout = input.TimeoutInMinutes;
      const stackId = stackArn(ctx.region, ctx.accountId, stackName, randomUUID());
      const { template, parameters, azs } = await prepare(
        body,
        readParameters(input.Parameters),
        capabilities,
        ctx.region,
        ctx.accountId,
        { stackName, stackId },
      );
      const now = deps.clock.now();
      const stack: StackRecord = {
        stackId,
        stackName,
        region: ctx.region,
        accountId: ctx.accountId,
        status: 'CREATE_IN_PROGRESS',
        statusReason: 'User Initiated',
        templateBody: body,
        description: template.Description,
        parameters,
        capabilities,
        onFailure,
        tags,
        notificationArns: input.NotificationARNs ?? [],
        outputs: [],
        imports: [],
        availabilityZones: azs,
        createdAt: now,
        timeoutAt: timeout === undefined ? undefined : now + timeout * 60_000,
        generation: 0,
        clientRequestToken: token,
      };
      deps.db.tx(() => {
        if (store.stacks.find({ active: `${ctx.region}|${stackName}` })[0]) {
          throw new AwsError('AlreadyExistsException', `Stack [${stackName}] already exists`, 400);
        }
        store.stacks.put(stackId, stack);
        event(stack, 'CREATE_IN_PROGRESS', 'User Initiated');
      });
      engine.kick(stackId);
      return { StackId: stackId };
    },

    async UpdateStack(input: Wire<cfn.UpdateStackInput>, ctx: CallContext) {
      const stack = findStack(stackNameOf(input.StackName), ctx.region, false);
      if (!UPDATABLE.includes(stack.status)) {
        throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
      }
      const usePrevious = input.UsePreviousTemplate === true;
      const body = usePrevious ? stack.templateBody : input.TemplateBody;
      if (usePrevious && input.TemplateBody !== undefined) {
        throw validationError(
          'Exactly one of TemplateBody, TemplateUrl or UsePreviousTemplate must be specified.',
        );
      }
      if (body === undefined) {
        throw validationError(
          input.TemplateURL !== undefined
            ? 'TemplateURL is not supported by the local control plane: pass the template as TemplateBody.'
            : 'Either Template URL or Template Body must be specified.',
        );
      }
      const previousValues = Object.fromEntries(
        Object.entries(stack.parameters).map(([k, p]) => [k, p.value]),
      );
      const paramInput = readParameters(input.Parameters);
      const capabilities = input.Capabilities ?? [];
      const { template, parameters } = await prepare(
        body,
        paramInput,
        capabilities,
        ctx.region,
        ctx.accountId,
        { stackName: stack.stackName, stackId: stack.stackId },
        previousValues,
      );
      const tags = input.Tags === undefined ? stack.tags : readTags(input.Tags);
      const sameTemplate = JSON.stringify(parseTemplate(stack.templateBody)) === JSON.stringify(template);
      const sameParams =
        JSON.stringify(Object.entries(parameters).map(([k, p]) => [k, p.value])) ===
        JSON.stringify(Object.entries(previousValues));
      if (sameTemplate && sameParams && JSON.stringify(tags) === JSON.stringify(stack.tags)) {
        throw validationError('No updates are to be performed.');
      }
      const stackId = deps.db.tx(() => {
        const s = store.stacks.get(stack.stackId);
        if (!s || !UPDATABLE.includes(s.status)) {
          throw validationError(
            `Stack:${stack.stackId} is in ${s?.status ?? 'DELETE_COMPLETE'} state and can not be updated.`,
          );
        }
        s.previous = {
          templateBody: s.templateBody,
          description: s.description,
          parameters: s.parameters,
          capabilities: s.capabilities,
          tags: s.tags,
          outputs: s.outputs,
          imports: s.imports,
        };
        s.templateBody = body;
        s.description = template.Description;
        s.parameters = parameters;
        s.capabilities = capabilities;
        s.tags = tags;
        s.generation += 1;
        s.status = 'UPDATE_IN_PROGRESS';
        s.statusReason = 'User Initiated';
        s.updatedAt = deps.clock.now();
        s.clientRequestToken = input.ClientRequestToken;
        store.stacks.put(s.stackId, s);
        event(s, 'UPDATE_IN_PROGRESS', 'User Initiated');
        return s.stackId;
      });
      engine.kick(stackId);
      return { StackId: stackId };
    },

    DeleteStack(input: Wire<cfn.DeleteStackInput>, ctx: CallContext) {
      const name = stackNameOf(input.StackName);
      let stack: StackRecord;
      try {
        stack = findStack(name, ctx.region);
      } catch {
        return {};
      }
      if (stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return {};
      if (stack.status.startsWith('UPDATE_') && isInProgress(stack.status)) {
        throw validationError(`Stack [${stack.stackName}] cannot be deleted while in status ${stack.status}`);
      }
      const interrupt = isInProgress(stack.status);
      setStatus(stack.stackId, 'DELETE_IN_PROGRESS');
      if (interrupt) engine.cancel(stack.stackId);
      else engine.kick(stack.stackId);
      return {};
    },

    CancelUpdateStack(input: Wire<cfn.CancelUpdateStackInput>, ctx: CallContext) {
      const stack = findStack(stackNameOf(input.StackName), ctx.region, false);
      if (stack.status !== 'UPDATE_IN_PROGRESS') {
        throw validationError(
          `CancelUpdateStack cannot be called from current stack status ${stack.status}.`,
        );
      }
      engine.cancel(stack.stackId);
      return {};
    },

    ContinueUpdateRollback(input: Wire<cfn.ContinueUpdateRollbackInput>, ctx: CallContext) {
      const stack = findStack(stackNameOf(input.StackName), ctx.region, false);
      if (stack.status !== 'UPDATE_ROLLBACK_FAILED') {
        throw validationError(
          `Stack ${stack.stackName} is in ${stack.status} state and can not continue update rollback.`,
        );
      }
      setStatus(stack.stackId, 'UPDATE_ROLLBACK_IN_PROGRESS');
      engine.kick(stack.stackId);
      return {};
    },

    DescribeStacks(input: Wire<cfn.DescribeStacksInput>, ctx: CallContext) {
      const name = input.StackName;
      if (name) return { Stacks: [renderStack(findStack(name, ctx.region))] };
      const stacks = store.stacks
        .all()
        .filter((s) => s.region === ctx.region && s.status !== 'DELETE_COMPLETE')
        .sort((a, b) => b.createdAt - a.createdAt);
      const { page, next } = pageOf(stacks, input.NextToken);
      return { Stacks: page.map(renderStack), NextToken: next };
    },

    DescribeStackEvents(input: Wire<cfn.DescribeStackEventsInput>, ctx: CallContext) {
      const stack = findStack(stackNameOf(input.StackName), ctx.region);
      const events = store.events.find({ stack: stack.stackId }).reverse();
      const { page, next } = pageOf(events, input.NextToken);
      return { StackEvents: page.map(renderEvent), NextToken: next };
    },

    DescribeStackResources(input: Wire<cfn.DescribeStackResourcesInput>, ctx: CallContext) {
      const name = input.StackName;
      const physical = input.PhysicalResourceId;
      if (!name && !physical)
        throw validationError('Either StackName or PhysicalResourceId must be specified.');
      let stack: StackRecord;
      if (name) stack = findStack(name, ctx.region);
      else {
        const owner = store.resources.find({ physical: physical as string })[0];
        if (!owner) throw validationError(`Stack for ${physical} does not exist`);
        stack = findStack(owner.stackId, ctx.region);
      }
      const logical = input.LogicalResourceId;
      const resources = store.resources
        .find({ stack: stack.stackId })
        .filter((r) => !logical || r.logicalId === logical)
        .filter((r) => !physical || name || r.physicalId === physical);
      return { StackResources: resources.map((r) => renderResource(stack, r)) };
    },

    DescribeStackResource(input: Wire<cfn.DescribeStackResourceInput>, ctx: CallContext) {
      const stack = findStack(stackNameOf(input.StackName), ctx.region);
      const logical = input.LogicalResourceId as string;
      const r = store.resources.find({ stack: stack.stackId }).find((x) => x.logicalId === logical);
      if (!r) throw validationError(`Resource ${logical} does not exist for stack ${stack.stackName}`);
      const { Timestamp, ...rest } = renderResource(stack, r);
      const metadata = own(parseTemplate(stack.templateBody).Resources, logical)?.Metadata;
      return {
        StackResourceDetail: {
          ...rest,
          LastUpdatedTimestamp: Timestamp,
          Metadata: metadata === undefined ? undefined : JSON.stringify(metadata),
        },
      };
    },

    ListStackResources(input: Wire<cfn.ListStackResourcesInput>, ctx: CallContext) {
      const stack = findStack(stackNameOf(input.StackName), ctx.region);
      const resources = store.resources.find({ stack: stack.stackId });
      const { page, next } = pageOf(resources, input.NextToken);
      return {
        StackResourceSummaries: page.map((r) => {
          const { StackName: _name, StackId: _id, Timestamp, ...rest } = renderResource(stack, r);
          return { ...rest, LastUpdatedTimestamp: Timestamp };
        }),
        NextToken: next,
      };
    },

    ListStacks(input: Wire<cfn.ListStacksInput>, ctx: CallContext) {
      // The model checks each status is one the API knows; those of features the local engine
      // does not have (imports, change-set review) simply match nothing.
      const filter: string[] = input.StackStatusFilter ?? [];
      const stacks = store.stacks
        .all()
        .filter((s) => s.region === ctx.region && (!filter.length || filter.includes(s.status)))
        .sort((a, b) => b.createdAt - a.createdAt);
      const { page, next } = pageOf(stacks, input.NextToken);
      return {
        StackSummaries: page.map(renderStackSummary),
        NextToken: next,
      };
    },

    GetTemplate(input: Wire<cfn.GetTemplateInput>, ctx: CallContext) {
      const stack = findStack(stackNameOf(input.StackName), ctx.region);
      return { TemplateBody: stack.templateBody, StagesAvailable: ['Original', 'Processed'] };
    },

    GetTemplateSummary(input: Wire<cfn.GetTemplateSummaryInput>, ctx: CallContext) {
      const name = input.StackName;
      const body = name ? findStack(name, ctx.region).templateBody : input.TemplateBody;
      if (body === undefined)
        throw validationError('Either Template URL or Template Body or StackName must be specified.');
      const { template, common } = describeTemplate(body, true);
      return {
        ...common,
        ResourceTypes: [...new Set(Object.values(template.Resources).map((r) => r.Type))],
        Version: template.AWSTemplateFormatVersion,
        Metadata: template.Metadata === undefined ? undefined : JSON.stringify(template.Metadata),
        ResourceIdentifierSummaries: [],
      };
    },

    ValidateTemplate(input: Wire<cfn.ValidateTemplateInput>) {
      return describeTemplate(templateBody(input), false).common;
    },

    ListExports(input: Wire<cfn.ListExportsInput>, ctx: CallContext) {
      const exports = store.exports.find({ region: ctx.region });
      const { page, next } = pageOf(exports, input.NextToken);
      return {
        Exports: page.map((e) => ({ ExportingStackId: e.stackId, Name: e.name, Value: e.value })),
        NextToken: next,
      };
    },
  };

  return { id: 'cloudformation', model, actions, background: engine };
}
