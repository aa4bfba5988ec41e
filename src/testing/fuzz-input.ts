/**
 * Random structured API input for fuzz tests: a dictionary of the given parameter names whose values
 * are scalars, lists, or nested dictionaries of the same names (so providers meet both the shapes
 * they expect and every wrong type in every place).
 */
import fc from 'fast-check';

export function structuredInput(
  keys: readonly string[],
  scalar: fc.Arbitrary<unknown>,
): fc.Arbitrary<Record<string, unknown>> {
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      scalar,
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...keys), tie('v'), { maxKeys: 3 }),
    ),
  })).v;
  return fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 });
}
