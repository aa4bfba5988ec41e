/**
 * The stack engine: drives each stack from its persisted state to a final status. Everything it
 * knows is in the store (stack status, per-resource status, physical ids), so after a restart the
 * background part re-reads every stack left *_IN_PROGRESS and carries on: creations complete (or roll
 * back), deletions finish. Independent resources run concurrently; dependents wait for their
 * dependencies; deletion runs in reverse dependency order.
 *
 * The engine is a controller on the common work queue (common/work-queue.ts) keyed by stack id:
 * actions only add the stack's key, stacks progress concurrently (each driven by one runner at a
 * time), a runner that throws is retried with backoff, and the queue's resync (on start, then
 * periodically) adds every stack left *_IN_PROGRESS.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock';
import { WorkQueue } from '../common/work-queue';
import type { LocalDeps, Runnable } from '../deps';
import { dict, own, setOwn } from '../common/safe-object';
import { isAwsError } from '../protocol/errors';
import type { ServiceId } from '../protocol/types';
import {
  isInProgress,
  resourceKey,
  STACK_STATUSES,
  type CfnStore,
  type OutputRecord,
  type PhysicalState,
  type ResourceRecord,
  type ResourceStatus,
  type StackRecord,
  type StackStatus,
} from './model';
import { physicalName } from './naming';
import {
  ResourceFailure,
  type Created,
  type Props,
  type ResourceContext,
  type ResourceProvider,
} from './resources/types';
import { analyzeTemplate } from './template/analyze';
import { evaluate, evaluateConditions, toPlain, type EvalContext } from './template/intrinsics';
import { formatError, parseTemplate, validationError } from './template/parse';
import type { ParameterValue, Template } from './template/types';

export type ProviderRegistry = (type: string) => ResourceProvider | undefined;

/** Why a phase was interrupted: the process is stopping (leave state for recovery) or the user cancelled. */
class Interrupted extends Error {
  constructor(readonly reason: 'stop' | 'cancel') {
    super(`interrupted: ${reason}`);
  }
}

const STACK_TYPE = 'AWS::CloudFormation::Stack';

/** Where a phase ends when the engine itself fails. */
const FAILED_AFTER: Partial<Record<StackStatus, StackStatus>> = {
  CREATE_IN_PROGRESS: 'CREATE_FAILED',
  ROLLBACK_IN_PROGRESS: 'ROLLBACK_FAILED',
  DELETE_IN_PROGRESS: 'DELETE_FAILED',
  UPDATE_IN_PROGRESS: 'UPDATE_ROLLBACK_FAILED',
  UPDATE_ROLLBACK_IN_PROGRESS: 'UPDATE_ROLLBACK_FAILED',
};
const DEFAULT_WAIT_MS = 15 * 60_000;

/** A loaded stack: its record, parsed template and evaluated conditions. */
interface Loaded {
  stack: StackRecord;
  template: Template;
  dependencies: Record<string, string[]>;
  conditions: Record<string, boolean>;
  /** Logical ids the current template creates (conditions applied). */
  desired: string[];
}

const IN_PROGRESS = STACK_STATUSES.filter(isInProgress);

export class StackEngine implements Runnable {
  private started = false;
  private readonly queue: WorkQueue;
  private readonly phases = new Map<string, AbortController>();

  constructor(
    private readonly deps: LocalDeps,
    private readonly store: CfnStore,
    private readonly providers: ProviderRegistry,
  ) {
    this.queue = new WorkQueue({
      name: 'cloudformation',
      clock: deps.clock,
      log: deps.log,
      handle: ([stackId]) => (stackId === undefined ? undefined : this.drive(stackId)),
      concurrency: Infinity,
      backoff: { firstMs: 1000, maxMs: 60_000 },
      resync: { everyMs: Math.max(1000, deps.config.resyncMs), keys: () => this.inProgress() },
    });
  }

  start(): void {
    this.started = true;
    this.queue.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const c of this.phases.values()) c.abort(new Interrupted('stop'));
    await this.queue.stop();
  }

  /** Resolves once no stack is being driven or due (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  busy(): boolean {
    return this.queue.busy;
  }

  /** Makes sure a runner looks at the stack (after it was written by an action). */
  kick(stackId: string): void {
    this.queue.add(stackId);
  }

  private inProgress(): string[] {
    return IN_PROGRESS.flatMap((status) => this.store.stacks.ids({ status }));
  }

  /** Interrupts the current phase (DeleteStack while CREATE_IN_PROGRESS), then looks at the stack again. */
  cancel(stackId: string): void {
    this.phases.get(stackId)?.abort(new Interrupted('cancel'));
    this.kick(stackId);
  }

  // ---- the state machine -------------------------------------------------------------------------

  private async drive(stackId: string): Promise<void> {
    for (;;) {
      if (!this.started) return;
      const stack = this.store.stacks.get(stackId);
      if (!stack || !isInProgress(stack.status)) return;
      const controller = new AbortController();
      this.phases.set(stackId, controller);
      try {
        await this.phase(stack, controller.signal);
      } catch (err) {
        if (err instanceof Interrupted && err.reason === 'stop') return;
        if (!(err instanceof Interrupted)) {
          // A bug, not a resource failure: never leave the stack in progress forever.
          this.deps.log('cloudformation engine failed', {
            stackId,
            err: String((err as Error)?.stack ?? err),
          });
          this.transition(
            stackId,
            stack.status,
            FAILED_AFTER[stack.status] ?? 'UPDATE_ROLLBACK_FAILED',
            reasonOf(err),
          );
          return;
        }
      } finally {
        this.phases.delete(stackId);
      }
      if (this.store.stacks.get(stackId)?.status === stack.status && !controller.signal.aborted) {
        this.deps.log('cloudformation phase made no progress', { stackId, status: stack.status });
        return;
      }
    }
  }

  private async phase(stack: StackRecord, signal: AbortSignal): Promise<void> {
    switch (stack.status) {
      case 'CREATE_IN_PROGRESS':
        return this.createPhase(stack, signal);
      case 'ROLLBACK_IN_PROGRESS':
        return this.deletePhase(stack, signal, 'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED');
      case 'DELETE_IN_PROGRESS':
        return this.deletePhase(stack, signal, 'DELETE_COMPLETE', 'DELETE_FAILED');
      case 'UPDATE_IN_PROGRESS':
        return this.updatePhase(stack, signal);
      case 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS':
        return this.updateCleanupPhase(stack, signal);
      case 'UPDATE_ROLLBACK_IN_PROGRESS':
        return this.updateRollbackPhase(stack, signal);
      case 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS':
        return this.updateRollbackCleanupPhase(stack, signal);
      default:
        return;
    }
  }

  private load(stack: StackRecord): Loaded {
    const template = parseTemplate(stack.templateBody);
    const { dependencies } = analyzeTemplate(template, (t) => this.providers(t)?.attributes);
    const base = { ...this.evalBase(stack, new Map()), mappings: template.Mappings };
    const conditions = evaluateConditions(template, base);
    const desired = Object.entries(template.Resources)
      .filter(([, r]) => r.Condition === undefined || conditions[r.Condition] === true)
      .map(([id]) => id);
    return { stack, template, dependencies, conditions, desired };
  }

  private records(stackId: string): Map<string, ResourceRecord> {
    return new Map(this.store.resources.find({ stack: stackId }).map((r) => [r.logicalId, r]));
  }

  // ---- create ------------------------------------------------------------------------------------

  private async createPhase(stack: StackRecord, signal: AbortSignal): Promise<void> {
    const loaded = this.load(stack);
    const failure = await this.converge(loaded, signal, 'create');
    if (failure === null) {
      const outputs = this.outputsOrFailure(loaded);
      if (typeof outputs === 'string') return this.failCreate(stack, outputs);
      this.transition(stack.stackId, 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE', undefined, (s) => {
        s.outputs = outputs;
        this.writeExports(s);
      });
      return;
    }
    this.failCreate(stack, failure);
  }

  private failCreate(stack: StackRecord, reason: string): void {
    const next: StackStatus =
      stack.onFailure === 'DO_NOTHING'
        ? 'CREATE_FAILED'
        : stack.onFailure === 'DELETE'
          ? 'DELETE_IN_PROGRESS'
          : 'ROLLBACK_IN_PROGRESS';
    const why =
      stack.onFailure === 'DO_NOTHING'
        ? reason
        : `${reason}. ${next === 'DELETE_IN_PROGRESS' ? 'Delete' : 'Rollback'} requested by user.`;
    this.transition(stack.stackId, 'CREATE_IN_PROGRESS', next, why);
  }

  /**
   * Creates (mode 'create') or creates/updates (mode 'update') every desired resource, dependencies
   * first, independent ones concurrently. Returns null on success, else the stack status reason.
   */
  private async converge(
    loaded: Loaded,
    signal: AbortSignal,
    mode: 'create' | 'update',
  ): Promise<string | null> {
    const { stack, desired, dependencies } = loaded;
    const inflight = new Map<string, Promise<void>>();
    const local = new AbortController();
    const onAbort = () => local.abort(signal.reason);
    signal.addEventListener('abort', onAbort);
    // CreateStack's TimeoutInMinutes: when it passes, whatever is still creating is cancelled.
    let timedOut = false;
    let cancelTimeout: (() => void) | undefined;
    const timeout = new Promise<void>((resolve) => {
      const deadline = stack.timeoutAt;
      if (mode !== 'create' || deadline === undefined) return;
      cancelTimeout = this.deps.clock.after(deadline - this.deps.clock.now(), () => {
        timedOut = true;
        resolve();
      });
    });
    try {
      for (;;) {
        if (stack.timeoutAt !== undefined && mode === 'create' && this.deps.clock.now() >= stack.timeoutAt)
          timedOut = true;
        const records = this.records(stack.stackId);
        const failed = desired.filter((id) => {
          const s = records.get(id)?.status;
          return s === 'CREATE_FAILED' || s === 'UPDATE_FAILED';
        });
        if (signal.aborted || failed.length || timedOut) {
          if (!signal.aborted) local.abort(new Interrupted('cancel'));
          await Promise.allSettled(inflight.values());
          if (signal.aborted && (signal.reason as Interrupted).reason === 'stop') throw signal.reason;
          this.cancelInProgress(stack, mode);
          if (failed.length) return `The following resource(s) failed to ${mode}: [${failed.join(', ')}]`;
          return timedOut
            ? 'Stack creation time has exceeded the specified timeout'
            : 'Stack operation cancelled';
        }
        const done = (id: string) => {
          const r = records.get(id);
          if (!r) return false;
          if (mode === 'create') return r.status === 'CREATE_COMPLETE';
          return (
            r.generation === stack.generation &&
            (r.status === 'CREATE_COMPLETE' || r.status === 'UPDATE_COMPLETE')
          );
        };
        if (desired.every(done)) return null;
        for (const id of desired) {
          if (inflight.has(id) || done(id)) continue;
          const ready = (dependencies[id] ?? []).every((d) => !desired.includes(d) || done(d));
          if (!ready) continue;
          const op = this.applyResource(loaded, id, local.signal, mode).finally(() => inflight.delete(id));
          inflight.set(id, op);
        }
        if (inflight.size === 0)
          return `Resources could not be ordered: [${desired.filter((d) => !done(d)).join(', ')}]`;
        await Promise.race([...inflight.values(), timeout]);
      }
    } finally {
      cancelTimeout?.();
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** After a failure or a cancel: resources left in progress are marked failed ("cancelled"). */
  private cancelInProgress(stack: StackRecord, mode: 'create' | 'update'): void {
    for (const r of this.records(stack.stackId).values()) {
      if (r.status === 'CREATE_IN_PROGRESS')
        this.setResource(r, { status: 'CREATE_FAILED' }, 'Resource creation cancelled');
      else if (r.status === 'UPDATE_IN_PROGRESS' && mode === 'update') {
        this.setResource(r, { status: 'UPDATE_FAILED' }, 'Resource update cancelled');
      }
    }
  }

  /** Creates, resumes, updates or replaces one resource. Never throws except Interrupted. */
  private async applyResource(
    loaded: Loaded,
    logicalId: string,
    signal: AbortSignal,
    mode: 'create' | 'update',
  ): Promise<void> {
    const { stack, template } = loaded;
    const decl = own(template.Resources, logicalId);
    if (!decl) return;
    let record = this.records(stack.stackId).get(logicalId);
    const provider = this.providers(decl.Type);
    let props: Props = {};
    let evalError: string | undefined;
    try {
      props = this.resolveProperties(loaded, logicalId);
    } catch (e) {
      evalError = isAwsError(e) || e instanceof ResourceFailure ? e.message : String(e);
    }
    const dependsOn = loaded.dependencies[logicalId] ?? [];
    const existing =
      record &&
      mode === 'update' &&
      record.generation < stack.generation &&
      record.status !== 'DELETE_COMPLETE';
    try {
      if (existing && record) {
        return await this.updateResource(loaded, record, provider, props, dependsOn, evalError, signal);
      }
      if (!record || record.status === 'DELETE_COMPLETE') {
        const name = provider?.generatedNameLength
          ? physicalName(stack.stackName, logicalId, provider.generatedNameLength)
          : undefined;
        record = {
          id: resourceKey(stack.stackId, logicalId),
          stackId: stack.stackId,
          logicalId,
          type: decl.Type,
          status: 'CREATE_IN_PROGRESS',
          updatedAt: this.deps.clock.now(),
          generation: stack.generation,
          createdGeneration: stack.generation,
          properties: props,
          attributes: {},
          dependsOn,
          name,
          deletionPolicy: decl.DeletionPolicy,
        };
        this.setResource(record, {}, undefined, JSON.stringify(props));
      }
      if (evalError) throw new ResourceFailure(evalError);
      if (!provider)
        throw new ResourceFailure(`Resource type ${decl.Type} is not supported by the local control plane`);
      await this.createPhysical(stack, record, provider, props, signal);
      this.setResource(record, { status: 'CREATE_COMPLETE' });
    } catch (e) {
      if (e instanceof Interrupted) {
        if (e.reason === 'stop') throw e;
        return;
      }
      const current = this.store.resources.get(resourceKey(stack.stackId, logicalId));
      if (current && current.status.endsWith('_IN_PROGRESS')) {
        const status: ResourceStatus =
          current.status === 'UPDATE_IN_PROGRESS' ? 'UPDATE_FAILED' : 'CREATE_FAILED';
        this.setResource(current, { status }, reasonOf(e));
      }
      if (!(e instanceof ResourceFailure) && !isAwsError(e)) {
        this.deps.log('cloudformation resource failed', { logicalId, err: String((e as Error)?.stack ?? e) });
      }
    }
  }

  /** Create (or find after a restart), then stabilize. The physical id is saved as soon as it exists. */
  private async createPhysical(
    stack: StackRecord,
    record: ResourceRecord,
    provider: ResourceProvider,
    props: Props,
    signal: AbortSignal,
  ): Promise<void> {
    const ctx = this.context(stack, record, signal);
    if (!record.physicalId) {
      // A create that started before a restart may have happened: look for it by name before creating again.
      const found =
        record.createStarted && provider.find
          ? await provider.find(ctx, this.nameFor(provider, record, props), props)
          : undefined;
      if (!found && !record.createStarted) this.setResource(record, { createStarted: true });
      let created: Created;
      try {
        created = found ?? (await provider.create(ctx, props));
      } catch (e) {
        // The call failed, so nothing exists under the name (unless ctx.created recorded a half-made one).
        if (!record.physicalId) this.setResource(record, { createStarted: undefined });
        throw e;
      }
      this.setResource(
        record,
        { physicalId: created.physicalId, attributes: created.attributes ?? {}, properties: props },
        'Resource creation Initiated',
      );
    }
    if (provider.stabilize) {
      const more = await provider.stabilize(ctx, record.physicalId as string, props);
      if (more) this.setResource(record, { attributes: { ...record.attributes, ...more } });
    }
  }

  private nameFor(provider: ResourceProvider, record: ResourceRecord, props: Props): string {
    const custom = provider.nameProperty ? props[provider.nameProperty] : undefined;
    return typeof custom === 'string' && custom !== '' ? custom : (record.name ?? '');
  }

  private resolveProperties(loaded: Loaded, logicalId: string): Props {
    const decl = own(loaded.template.Resources, logicalId);
    const value = toPlain(evaluate(decl?.Properties ?? {}, this.evalContext(loaded)));
    return (value ?? {}) as Props;
  }

  // ---- update ------------------------------------------------------------------------------------

  private async updateResource(
    loaded: Loaded,
    record: ResourceRecord,
    provider: ResourceProvider | undefined,
    props: Props,
    dependsOn: string[],
    evalError: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const { stack } = loaded;
    const decl = own(loaded.template.Resources, record.logicalId);
    const typeChanged = decl !== undefined && decl.Type !== record.type;
    if (
      !evalError &&
      !typeChanged &&
      record.status !== 'UPDATE_IN_PROGRESS' &&
      sameJson(props, record.properties)
    ) {
      this.setResource(record, { generation: stack.generation, dependsOn });
      return;
    }
    const prior: PhysicalState = record.prior ?? snapshot(record);
    if (record.status !== 'UPDATE_IN_PROGRESS') {
      this.setResource(
        record,
        { status: 'UPDATE_IN_PROGRESS', prior, dependsOn },
        undefined,
        JSON.stringify(props),
      );
    }
    if (evalError) throw new ResourceFailure(evalError);
    if (!provider || typeChanged) {
      throw new ResourceFailure(
        typeChanged
          ? `Update of resource type is not permitted. The new template modifies resource type of resource ${record.logicalId}.`
          : `Resource type ${record.type} is not supported by the local control plane`,
      );
    }
    const replace = needsReplacement(provider, prior.properties, props);
    const ctx = this.context(stack, record, signal);
    if (!replace && provider.update) {
      const attrs = await provider.update(ctx, record.physicalId as string, props, prior.properties);
      this.setResource(record, {
        status: 'UPDATE_COMPLETE',
        properties: props,
        attributes: { ...record.attributes, ...(attrs ?? {}) },
        generation: stack.generation,
      });
      return;
    }
    if (
      provider.nameProperty &&
      typeof props[provider.nameProperty] === 'string' &&
      props[provider.nameProperty] === prior.properties[provider.nameProperty]
    ) {
      throw new ResourceFailure(
        `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${String(props[provider.nameProperty])} and update the stack again.`,
      );
    }
    if (record.physicalId === prior.physicalId) {
      const name = provider.generatedNameLength
        ? physicalName(stack.stackName, record.logicalId, provider.generatedNameLength)
        : undefined;
      this.setResource(
        record,
        { physicalId: undefined, name, attributes: {}, createStarted: undefined },
        'Requested update requires the creation of a new physical resource; hence creating one.',
      );
    }
    await this.createPhysical(stack, record, provider, props, signal);
    this.setResource(record, { status: 'UPDATE_COMPLETE', properties: props, generation: stack.generation });
  }

  private async updatePhase(stack: StackRecord, signal: AbortSignal): Promise<void> {
    const loaded = this.load(stack);
    const failure = await this.converge(loaded, signal, 'update');
    if (failure !== null) {
      this.transition(stack.stackId, 'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', failure);
      return;
    }
    const outputs = this.outputsOrFailure(loaded);
    if (typeof outputs === 'string') {
      this.transition(stack.stackId, 'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', outputs);
      return;
    }
    this.transition(
      stack.stackId,
      'UPDATE_IN_PROGRESS',
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      undefined,
      (s) => {
        s.outputs = outputs;
        this.writeExports(s);
      },
    );
  }

  /** After a successful update: delete replaced physical resources and resources the template dropped. */
  private async updateCleanupPhase(stack: StackRecord, signal: AbortSignal): Promise<void> {
    const loaded = this.load(stack);
    const records = this.records(stack.stackId);
    const targets: ResourceRecord[] = [];
    for (const r of records.values()) {
      if (r.status === 'DELETE_COMPLETE' || r.status === 'DELETE_SKIPPED') continue;
      if (!loaded.desired.includes(r.logicalId)) targets.push(r);
      else if (r.prior && r.prior.physicalId && r.prior.physicalId !== r.physicalId) {
        await this.deleteOld(stack, r, r.prior, signal);
        this.setResource(r, { prior: undefined });
      } else if (r.prior) this.setResource(r, { prior: undefined });
    }
    const failed = await this.deleteRecords(stack, targets, signal);
    this.forget(targets.filter((t) => !failed.includes(t.logicalId)));
    this.transition(
      stack.stackId,
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_COMPLETE',
      undefined,
      (s) => {
        s.previous = undefined;
      },
    );
  }

  /** Update failed: put changed resources back; replacements and new resources go in the cleanup. */
  private async updateRollbackPhase(stack: StackRecord, signal: AbortSignal): Promise<void> {
    for (const r of [...this.records(stack.stackId).values()].reverse()) {
      if (!r.prior) continue;
      const provider = this.providers(r.type);
      const prior = r.prior;
      if (prior.physicalId && prior.physicalId !== r.physicalId) {
        const discard = r.physicalId ? snapshot(r) : undefined;
        this.setResource(r, {
          ...prior,
          status: 'UPDATE_COMPLETE',
          prior: undefined,
          discard,
          generation: stack.generation - 1,
        });
        continue;
      }
      if (!sameJson(prior.properties, r.properties) || r.status !== 'UPDATE_COMPLETE') {
        this.setResource(r, { status: 'UPDATE_IN_PROGRESS' });
        try {
          if (provider?.update && r.physicalId) {
            const attrs = await provider.update(
              this.context(stack, r, signal),
              r.physicalId,
              prior.properties,
              r.properties,
            );
            this.setResource(r, { attributes: { ...prior.attributes, ...(attrs ?? {}) } });
          }
        } catch (e) {
          if (e instanceof Interrupted) throw e;
          this.setResource(r, { status: 'UPDATE_FAILED' }, reasonOf(e));
          this.transition(
            stack.stackId,
            'UPDATE_ROLLBACK_IN_PROGRESS',
            'UPDATE_ROLLBACK_FAILED',
            reasonOf(e),
          );
          return;
        }
      }
      this.setResource(r, {
        ...prior,
        status: 'UPDATE_COMPLETE',
        prior: undefined,
        generation: stack.generation - 1,
      });
    }
    this.transition(
      stack.stackId,
      'UPDATE_ROLLBACK_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      undefined,
      (s) => {
        const prev = s.previous;
        if (!prev) return;
        s.templateBody = prev.templateBody;
        s.description = prev.description;
        s.parameters = prev.parameters;
        s.capabilities = prev.capabilities;
        s.tags = prev.tags;
        s.outputs = prev.outputs;
        s.imports = prev.imports;
      },
    );
  }

  private async updateRollbackCleanupPhase(stack: StackRecord, signal: AbortSignal): Promise<void> {
    const records = this.records(stack.stackId);
    const created: ResourceRecord[] = [];
    for (const r of records.values()) {
      if (r.discard) {
        await this.deleteOld(stack, r, r.discard, signal);
        this.setResource(r, { discard: undefined });
      } else if (
        stack.generation > 0 &&
        r.createdGeneration === stack.generation &&
        r.status !== 'DELETE_COMPLETE'
      ) {
        created.push(r);
      }
    }
    await this.deleteRecords(stack, created, signal);
    this.forget(created);
    this.transition(
      stack.stackId,
      'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_ROLLBACK_COMPLETE',
      undefined,
      (s) => {
        s.previous = undefined;
        this.writeExports(s);
      },
    );
  }

  // ---- delete ------------------------------------------------------------------------------------

  private async deletePhase(
    stack: StackRecord,
    signal: AbortSignal,
    done: StackStatus,
    failed: StackStatus,
  ): Promise<void> {
    if (stack.status === 'DELETE_IN_PROGRESS') {
      const inUse = this.exportInUse(stack);
      if (inUse) {
        this.transition(stack.stackId, stack.status, failed, inUse);
        return;
      }
    }
    const records = [...this.records(stack.stackId).values()].filter(
      (r) => r.status !== 'DELETE_COMPLETE' && r.status !== 'DELETE_SKIPPED',
    );
    const failures = await this.deleteRecords(stack, records, signal);
    if (failures.length) {
      this.transition(
        stack.stackId,
        stack.status,
        failed,
        `The following resource(s) failed to delete: [${failures.join(', ')}]. `,
      );
      return;
    }
    this.transition(stack.stackId, stack.status, done, undefined, (s) => {
      if (done === 'DELETE_COMPLETE') s.deletedAt = this.deps.clock.now();
      s.outputs = done === 'DELETE_COMPLETE' ? s.outputs : [];
      for (const e of this.store.exports.find({ stack: s.stackId })) this.store.exports.delete(e.id);
    });
  }

  /** Deletes records in reverse dependency order, independent ones concurrently. Returns failed ids. */
  private async deleteRecords(
    stack: StackRecord,
    targets: ResourceRecord[],
    signal: AbortSignal,
  ): Promise<string[]> {
    const all = new Map(targets.map((r) => [r.logicalId, r]));
    const pending = new Map(all);
    const failed: string[] = [];
    const inflight = new Map<string, Promise<void>>();
    while (pending.size || inflight.size) {
      if (signal.aborted) {
        await Promise.allSettled(inflight.values());
        throw signal.reason;
      }
      for (const [id, r] of pending) {
        const blocked = [...pending.keys(), ...inflight.keys()].some(
          (other) => other !== id && (all.get(other)?.dependsOn ?? []).includes(id),
        );
        if (blocked) continue;
        pending.delete(id);
        const op = this.deleteOne(stack, r, signal)
          .then((ok) => {
            if (!ok) failed.push(id);
          })
          .finally(() => inflight.delete(id));
        inflight.set(id, op);
      }
      if (inflight.size === 0) {
        // Dependencies among the rest form no order (cannot happen for a validated template): delete them anyway.
        for (const [id, r] of pending) {
          pending.delete(id);
          if (!(await this.deleteOne(stack, r, signal))) failed.push(id);
        }
        break;
      }
      await Promise.race(inflight.values());
      if (failed.length) {
        await Promise.allSettled(inflight.values());
        break;
      }
    }
    return failed;
  }

  /** Removes the records of resources an update dropped (DescribeStackResources no longer lists them). */
  private forget(records: ResourceRecord[]): void {
    this.store.db.tx(() => {
      for (const r of records) {
        const current = this.store.resources.get(r.id);
        if (current && (current.status === 'DELETE_COMPLETE' || current.status === 'DELETE_SKIPPED'))
          this.store.resources.delete(r.id);
      }
    });
  }

  private async deleteOne(stack: StackRecord, record: ResourceRecord, signal: AbortSignal): Promise<boolean> {
    if (record.deletionPolicy === 'Retain') {
      this.setResource(record, { status: 'DELETE_SKIPPED' });
      return true;
    }
    if (!record.physicalId && !(record.createStarted && this.providers(record.type)?.find)) {
      this.setResource(record, { status: 'DELETE_COMPLETE' });
      return true;
    }
    if (record.status !== 'DELETE_IN_PROGRESS') this.setResource(record, { status: 'DELETE_IN_PROGRESS' });
    try {
      await this.deletePhysical(stack, record, record, signal);
      this.setResource(record, { status: 'DELETE_COMPLETE' });
      return true;
    } catch (e) {
      if (e instanceof Interrupted) throw e;
      this.setResource(record, { status: 'DELETE_FAILED' }, reasonOf(e));
      return false;
    }
  }

  /**
   * Deletes a physical resource the record no longer points at (the old one after a replacement, the
   * new one after a rolled back replacement), with its events. A failure is reported but, as in AWS,
   * does not fail the stack operation.
   */
  private async deleteOld(
    stack: StackRecord,
    record: ResourceRecord,
    state: PhysicalState,
    signal: AbortSignal,
  ): Promise<void> {
    const emit = (status: string, reason?: string) =>
      this.store.db.tx(() =>
        this.event(stack, record.logicalId, state.physicalId, state.type, status, reason),
      );
    emit('DELETE_IN_PROGRESS');
    try {
      await this.deletePhysical(stack, record, state, signal);
      emit('DELETE_COMPLETE');
    } catch (e) {
      if (e instanceof Interrupted) throw e;
      emit('DELETE_FAILED', reasonOf(e));
    }
  }

  private async deletePhysical(
    stack: StackRecord,
    record: ResourceRecord,
    state: PhysicalState,
    signal: AbortSignal,
  ): Promise<void> {
    const provider = this.providers(state.type);
    if (!provider) return;
    const ctx = this.context(stack, record, signal);
    let physicalId = state.physicalId;
    if (!physicalId && record.createStarted && provider.find) {
      physicalId = (
        await provider.find(
          ctx,
          this.nameFor(provider, { ...record, ...state }, state.properties),
          state.properties,
        )
      )?.physicalId;
    }
    if (physicalId) await provider.delete(ctx, physicalId, state.properties);
  }

  // ---- outputs and exports -----------------------------------------------------------------------

  private outputsOrFailure(loaded: Loaded): OutputRecord[] | string {
    const out: OutputRecord[] = [];
    const ctx = this.evalContext(loaded);
    try {
      for (const [key, decl] of Object.entries(loaded.template.Outputs)) {
        if (decl.Condition !== undefined && !own(loaded.conditions, decl.Condition)) continue;
        const value = toPlain(evaluate(decl.Value, ctx));
        const exportName = decl.Export ? toPlain(evaluate(decl.Export.Name, ctx)) : undefined;
        out.push({
          OutputKey: key,
          OutputValue: Array.isArray(value) ? value.join(',') : String(value ?? ''),
          Description: decl.Description,
          ExportName: exportName === undefined ? undefined : String(exportName),
        });
      }
    } catch (e) {
      return reasonOf(e);
    }
    for (const o of out) {
      if (!o.ExportName) continue;
      const other = this.store.exports.get(`${loaded.stack.region}|${o.ExportName}`);
      if (other && other.stackId !== loaded.stack.stackId) {
        return `Export with name ${o.ExportName} is already exported by stack ${this.store.stacks.get(other.stackId)?.stackName ?? other.stackId}`;
      }
    }
    for (const e of this.store.exports.find({ stack: loaded.stack.stackId })) {
      const now = out.find((o) => o.ExportName === e.name);
      if (now && now.OutputValue === e.value) continue;
      const user = this.importerOf(e.region, e.name, loaded.stack.stackId);
      if (user) return `Cannot ${now ? 'update' : 'delete'} export ${e.name} as it is in use by ${user}.`;
    }
    return out;
  }

  private writeExports(stack: StackRecord): void {
    for (const e of this.store.exports.find({ stack: stack.stackId })) this.store.exports.delete(e.id);
    for (const o of stack.outputs) {
      if (!o.ExportName) continue;
      this.store.exports.put(`${stack.region}|${o.ExportName}`, {
        id: `${stack.region}|${o.ExportName}`,
        region: stack.region,
        name: o.ExportName,
        value: o.OutputValue,
        stackId: stack.stackId,
      });
    }
  }

  private importerOf(region: string, name: string, exporter: string): string | undefined {
    return this.store.stacks
      .all()
      .find(
        (s) =>
          s.region === region &&
          s.stackId !== exporter &&
          s.status !== 'DELETE_COMPLETE' &&
          s.imports.includes(name),
      )?.stackName;
  }

  private exportInUse(stack: StackRecord): string | undefined {
    for (const e of this.store.exports.find({ stack: stack.stackId })) {
      const user = this.importerOf(e.region, e.name, stack.stackId);
      if (user) return `Export ${e.name} cannot be deleted as it is in use by ${user}`;
    }
    return undefined;
  }

  // ---- evaluation context ------------------------------------------------------------------------

  private evalBase(
    stack: StackRecord,
    records: Map<string, ResourceRecord>,
  ): Omit<EvalContext, 'conditions'> {
    const parameters = dict<ParameterValue>();
    for (const [k, p] of Object.entries(stack.parameters)) setOwn(parameters, k, p.resolved);
    return {
      parameters,
      pseudo: {
        region: stack.region,
        accountId: stack.accountId,
        stackName: stack.stackName,
        stackId: stack.stackId,
        notificationArns: stack.notificationArns,
      },
      mappings: {},
      resourceRef: (id) => {
        const r = records.get(id);
        if (!r?.physicalId)
          throw formatError(
            `Unresolved resource dependencies [${id}] in the Resources block of the template`,
          );
        return r.physicalId;
      },
      resourceAttribute: (id, attr) => {
        const r = records.get(id);
        if (!r?.physicalId)
          throw formatError(
            `Unresolved resource dependencies [${id}] in the Resources block of the template`,
          );
        const v = r.attributes[attr];
        if (v === undefined)
          throw validationError(
            `Template error: resource ${id} does not support attribute type ${attr} in Fn::GetAtt`,
          );
        return v;
      },
      importValue: (name) => {
        const e = this.store.exports.get(`${stack.region}|${name}`);
        if (!e) throw validationError(`No export named ${name} found.`);
        if (!stack.imports.includes(name)) {
          this.store.db.tx(() => {
            const s = this.store.stacks.get(stack.stackId);
            if (s && !s.imports.includes(name)) {
              s.imports.push(name);
              this.store.stacks.put(s.stackId, s);
            }
          });
          stack.imports.push(name);
        }
        return e.value;
      },
      availabilityZones: (region) =>
        region === stack.region && stack.availabilityZones.length
          ? [...stack.availabilityZones]
          : ['a', 'b', 'c'].map((z) => region + z),
    };
  }

  private evalContext(loaded: Loaded): EvalContext {
    const base = this.evalBase(loaded.stack, this.records(loaded.stack.stackId));
    return { ...base, mappings: loaded.template.Mappings, conditions: loaded.conditions };
  }

  // ---- resource context --------------------------------------------------------------------------

  private context(stack: StackRecord, record: ResourceRecord, signal: AbortSignal): ResourceContext {
    const services = this.deps.services;
    const region = stack.region;
    const call = async <T>(service: ServiceId, action: string, input: unknown): Promise<T> => {
      try {
        // Template values arrive as written (`Port: "80"`); like CloudFormation, convert them to the
        // types the service's model declares.
        return await services.call<T>(service, action, input, {
          region,
          accountId: stack.accountId,
          coerce: true,
        });
      } catch (e) {
        if (isAwsError(e)) {
          throw new ResourceFailure(
            `${e.message} (Service: ${service}, Status Code: ${e.status}, Error Code: ${e.code})`,
            e.code,
          );
        }
        throw e;
      }
    };
    const pollMs = Math.max(10, Math.min(500, this.deps.config.taskStepMs, this.deps.config.instanceBootMs));
    return {
      region,
      accountId: stack.accountId,
      stackName: stack.stackName,
      stackId: stack.stackId,
      logicalId: record.logicalId,
      generatedName: record.name ?? physicalName(stack.stackName, record.logicalId, 255),
      stackTags: stack.tags,
      now: () => this.deps.clock.now(),
      created: (physicalId) => this.setResource(record, { physicalId }),
      call,
      callIgnoring: async <T>(service: ServiceId, action: string, input: unknown, notFound: string[]) => {
        try {
          return await call<T>(service, action, input);
        } catch (e) {
          if (e instanceof ResourceFailure && e.code && notFound.includes(e.code)) return undefined;
          throw e;
        }
      },
      waitUntil: async (what, check, timeoutMs = DEFAULT_WAIT_MS) => {
        const deadline = this.deps.clock.now() + timeoutMs;
        for (;;) {
          if (signal.aborted) throw signal.reason;
          if (await check()) return;
          if (this.deps.clock.now() > deadline) throw new ResourceFailure(`Timed out waiting for ${what}`);
          await sleep(this.deps.clock, pollMs, signal);
        }
      },
    };
  }

  // ---- writes ------------------------------------------------------------------------------------

  private setResource(
    record: ResourceRecord,
    patch: Partial<ResourceRecord>,
    reason?: string,
    properties?: string,
  ): void {
    const stack = this.store.stacks.get(record.stackId);
    Object.assign(record, patch, { updatedAt: this.deps.clock.now() });
    for (const k of Object.keys(patch) as (keyof ResourceRecord)[])
      if (patch[k] === undefined) delete record[k];
    record.statusReason = reason;
    this.store.db.tx(() => {
      this.store.resources.put(record.id, record);
      if (stack && (patch.status !== undefined || reason !== undefined)) {
        this.event(
          stack,
          record.logicalId,
          record.physicalId,
          record.type,
          record.status,
          reason,
          properties,
        );
      }
    });
  }

  /** Compare-and-set of the stack status, with its event (and any other change in the same transaction). */
  private transition(
    stackId: string,
    from: StackStatus,
    to: StackStatus,
    reason?: string,
    mutate?: (s: StackRecord) => void,
  ): boolean {
    return this.store.db.tx(() => {
      const s = this.store.stacks.get(stackId);
      if (!s || s.status !== from) return false;
      s.status = to;
      s.statusReason = reason;
      mutate?.(s);
      this.store.stacks.put(stackId, s);
      this.event(s, s.stackName, s.stackId, STACK_TYPE, to, reason);
      return true;
    });
  }

  event(
    stack: StackRecord,
    logicalId: string,
    physicalId: string | undefined,
    type: string,
    status: string,
    reason?: string,
    properties?: string,
  ): void {
    const seq = this.store.db.nextSeq('cfn_event');
    // Unique even when one resource reports the same status twice in a millisecond (consoles key rows by it).
    const eventId = randomUUID();
    this.store.events.put(`${String(seq).padStart(12, '0')}`, {
      id: String(seq).padStart(12, '0'),
      stackId: stack.stackId,
      stackName: stack.stackName,
      eventId,
      logicalId,
      physicalId,
      type,
      status,
      reason,
      properties,
      timestamp: this.deps.clock.now(),
      clientRequestToken: stack.clientRequestToken,
    });
  }
}

export function needsReplacement(provider: ResourceProvider, before: Props, after: Props): boolean {
  if (!provider.update) return true;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const createOnly = new Set([
    ...(provider.createOnly ?? []),
    ...(provider.nameProperty ? [provider.nameProperty] : []),
  ]);
  for (const k of keys) if (createOnly.has(k) && !sameJson(before[k], after[k])) return true;
  return false;
}

function snapshot(r: ResourceRecord): PhysicalState {
  return {
    physicalId: r.physicalId,
    name: r.name,
    properties: r.properties,
    attributes: r.attributes,
    type: r.type,
    dependsOn: r.dependsOn,
  };
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function reasonOf(e: unknown): string {
  if (e instanceof ResourceFailure || isAwsError(e)) return e.message;
  return `Internal failure: ${String((e as Error)?.message ?? e)}`;
}

/** Waits `ms` by the clock, or until `signal` aborts. */
function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const cancel = clock.after(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    const onAbort = () => {
      cancel();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
