/**
 * Every template the CloudFormation tests use passes cfn-lint; the deliberately invalid ones under
 * fixtures/invalid are rejected by cfn-lint too. Without cfn-lint the test says it skipped, unless
 * ECS_CONSOLE_REQUIRE_TOOLS=1, where a missing tool is a failure.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../../testing/tools';
import { FIXTURES } from './testing';

const templates = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.(ya?ml|json|template)$/.test(f))
    .map((f) => join(dir, f));
const lint = (files: string[]) => spawnSync('cfn-lint', ['--', ...files], { encoding: 'utf8' });

describe.runIf(requireTool('cfn-lint', 'CloudFormation fixtures with cfn-lint'))('cfn-lint', () => {
  it('passes every fixture', () => {
    const files = templates(FIXTURES);
    expect(files.length).toBeGreaterThanOrEqual(7);
    const out = lint(files);
    expect(out.stdout + out.stderr).toBe('');
    expect(out.status).toBe(0);
  });

  it('rejects every invalid fixture', () => {
    const files = templates(join(FIXTURES, 'invalid'));
    const out = spawnSync('cfn-lint', ['--format', 'parseable', '--', ...files], { encoding: 'utf8' });
    expect(out.status).not.toBe(0);
    for (const file of files) expect(out.stdout, file).toContain(`${file}:`);
  });
});
