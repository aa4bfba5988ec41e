import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instanceRecordJson } from './instance-json';
import type { ContainerInstanceRecord } from './model';

const deepFreeze = <T>(v: T): T => {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
};

const text = fc.string({ unit: 'binary', maxLength: 12 });
const recordArb = fc.record(
  {
    containerInstance: fc.record(
      {
        containerInstanceArn: text,
        status: text,
        agentConnected: fc.boolean(),
        runningTasksCount: fc.integer(),
        attributes: fc.array(fc.record({ name: text, value: fc.option(text, { nil: undefined }) })),
        registeredResources: fc.array(
          fc.record({ name: text, integerValue: fc.integer(), stringSetValue: fc.array(text) }),
        ),
        remainingResources: fc.array(fc.record({ name: text, integerValue: fc.integer() })),
        versionInfo: fc.option(fc.record({ agentVersion: text }), { nil: undefined }),
      },
      { requiredKeys: ['containerInstanceArn'] },
    ),
    clusterArn: text,
    region: text,
    address: text,
    simulated: fc.boolean(),
  },
  { requiredKeys: ['containerInstance', 'clusterArn'] },
) as fc.Arbitrary<ContainerInstanceRecord>;

describe('instanceRecordJson', () => {
  it('is JSON.stringify of the record, frozen or not, and again for a new version sharing members', () => {
    fc.assert(
      fc.property(recordArb, fc.integer(), (rec, remaining) => {
        expect(instanceRecordJson(rec)).toBe(JSON.stringify(rec));
        const frozen = deepFreeze(structuredClone(rec));
        expect(instanceRecordJson(frozen)).toBe(JSON.stringify(frozen));
        // The next version shares attributes and registered resources (kept as text).
        const next = deepFreeze({
          ...frozen,
          containerInstance: {
            ...frozen.containerInstance,
            remainingResources: [{ name: 'CPU', integerValue: remaining }],
          },
        });
        expect(instanceRecordJson(next)).toBe(JSON.stringify(next));
      }),
      { numRuns: 300 },
    );
  });

  it('is JSON.stringify of each version of a chain of bookings and other changes', () => {
    const change = fc.oneof(
      fc.record({ kind: fc.constant('remaining' as const), n: fc.integer() }),
      fc.record({ kind: fc.constant('status' as const), status: text }),
      fc.record({ kind: fc.constant('address' as const), address: text }),
      fc.record({ kind: fc.constant('noRemaining' as const) }),
      fc.record({ kind: fc.constant('unfrozen' as const), n: fc.integer() }),
    );
    fc.assert(
      fc.property(recordArb, fc.array(change, { maxLength: 8 }), (rec, changes) => {
        let current = deepFreeze(structuredClone(rec));
        expect(instanceRecordJson(current)).toBe(JSON.stringify(current));
        for (const c of changes) {
          const ci = current.containerInstance;
          const next: ContainerInstanceRecord =
            c.kind === 'remaining' || c.kind === 'unfrozen'
              ? {
                  ...current,
                  containerInstance: { ...ci, remainingResources: [{ name: 'CPU', integerValue: c.n }] },
                }
              : c.kind === 'status'
                ? { ...current, containerInstance: { ...ci, status: c.status } }
                : c.kind === 'address'
                  ? { ...current, address: c.address }
                  : { ...current, containerInstance: { ...ci, remainingResources: undefined } };
          if (c.kind !== 'unfrozen') deepFreeze(next);
          expect(instanceRecordJson(next)).toBe(JSON.stringify(next));
          if (c.kind !== 'unfrozen') current = next;
        }
      }),
      { numRuns: 300 },
    );
  });
});
