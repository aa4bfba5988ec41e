/**
 * The generated service models are what generate.py writes from botocore: a changed action list or
 * a hand edit shows up here. Runs when python3 has the botocore the files were generated from (the
 * AWS CLI's); another botocore version would legitimately generate other shapes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function installedBotocore(): string | null {
  try {
    return execFileSync('python3', ['-c', 'import botocore; print(botocore.__version__)'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return null;
  }
}

const generatedWith = /\(botocore ([\d.]+),/.exec(readFileSync('src/local/ecs/shapes.gen.ts', 'utf8'))?.[1];
const installed = installedBotocore();
const runnable = installed !== null && installed === generatedWith;
if (!runnable) {
  console.log(
    `skipped: the models were generated with botocore ${generatedWith}; python3 has ${installed ?? 'none'}`,
  );
}

describe.skipIf(!runnable)('generated service models', () => {
  it('are up to date with generate.py', () => {
    const run = () =>
      execFileSync('python3', ['src/local/protocol/model/generate.py', '--check'], { encoding: 'utf8' });
    expect(run).not.toThrow();
  });
});
