/**
 * Tests that need a third-party tool (aws, cfn-lint, moto_server) ask here. A missing tool makes the
 * test print that it skipped, or fail when ECS_CONSOLE_REQUIRE_TOOLS=1 (as CI sets it).
 */
import { spawnSync, spawn } from 'node:child_process';

/** Whether `name` is an executable on PATH (not every tool has `--version`: moto_server has not). */
export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' }).status === 0;
}

/** True when the tool is there; otherwise logs the skip (or throws when tools are required). */
export function requireTool(name: string, test: string): boolean {
  if (hasTool(name)) return true;
  if (process.env.ECS_CONSOLE_REQUIRE_TOOLS === '1') {
    throw new Error(`${test}: ${name} is required (ECS_CONSOLE_REQUIRE_TOOLS=1) but was not found on PATH`);
  }
  console.warn(`SKIPPED ${test}: ${name} not found on PATH`);
  return false;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The AWS CLI's environment in tests: dummy credentials, us-east-1, no pager, no config files. */
export const AWS_CLI_ENV = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};

/** Runs the AWS CLI against an endpoint with dummy credentials. */
export function awsCli(endpoint: string, args: string[], input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], {
      env: { ...process.env, ...AWS_CLI_ENV },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Runs the AWS CLI and parses its JSON output; throws with stderr on failure. */
export async function awsJson<T = Record<string, unknown>>(endpoint: string, args: string[]): Promise<T> {
  const r = await awsCli(endpoint, args);
  if (r.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}
