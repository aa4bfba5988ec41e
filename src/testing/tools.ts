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

/**
 * Whether `python3` can import `module` (boto3 for the SDK tests); otherwise logs the skip (or
 * throws when tools are required), as `requireTool`.
 */
export function requirePythonModule(module: string, test: string): boolean {
  const found =
    hasTool('python3') &&
    spawnSync('python3', ['-c', 'import sys, importlib; importlib.import_module(sys.argv[1])', module], {
      stdio: 'ignore',
    }).status === 0;
  if (found) return true;
  if (process.env.ECS_CONSOLE_REQUIRE_TOOLS === '1') {
    throw new Error(
      `${test}: the python3 module ${module} is required (ECS_CONSOLE_REQUIRE_TOOLS=1) but cannot be imported`,
    );
  }
  console.warn(`SKIPPED ${test}: python3 cannot import ${module}`);
  return false;
}

/**
 * Runs a Python script (given on stdin) with `python3`, the plane's URL in `ENDPOINT` and the AWS
 * CLI's dummy credentials and region in the environment; the script prints one JSON document, parsed
 * here (a failing script throws with its stderr).
 */
export function runPython<T = Record<string, unknown>>(endpoint: string, script: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-'], {
      env: { ...process.env, ...AWS_CLI_ENV, ENDPOINT: endpoint },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`python3 failed (${code}): ${stderr}`));
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`python3 printed no JSON: ${stdout.slice(0, 500)} ${stderr}`));
      }
    });
    child.stdin.end(script);
  });
}

/** Python lines for boto3 scripts: `client(name)` against ENDPOINT (one attempt), `err(fn, **kw)`. */
export const BOTO3_PRELUDE = `
import json, os, datetime
import boto3, botocore.config
from botocore.exceptions import ClientError

def client(name):
    return boto3.client(name, endpoint_url=os.environ['ENDPOINT'],
                        config=botocore.config.Config(retries={'max_attempts': 1}))

def err(fn, **kw):
    """The AWS error code, HTTP status and message a call answers (None when it succeeds)."""
    try:
        fn(**kw)
        return None
    except ClientError as e:
        return {'code': e.response['Error']['Code'],
                'status': e.response['ResponseMetadata']['HTTPStatusCode'],
                'message': e.response['Error'].get('Message', '')}
`;
