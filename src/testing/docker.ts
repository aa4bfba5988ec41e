/**
 * Tests that need a Docker Engine ask here. No image registry is reachable in CI, so the test image
 * is built locally from Debian's busybox-static: a root filesystem with /bin/busybox and its
 * applets, a page under /www and /bin/serve (httpd in the foreground, access lines on stderr,
 * SIGTERM ends it with code 0 as nginx's does), imported once and cached by its tag.
 * A missing engine (or busybox) makes the test print that it skipped, or fail when
 * ECS_CONSOLE_REQUIRE_TOOLS=1 (as CI sets it).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The image the Docker tests run (built here; no registry needed). */
export const TEST_IMAGE = 'ecs-console-test/busybox:1';
/** What its httpd serves on `/`. */
export const TEST_PAGE = '<h1>ecs-console busybox test page</h1>';
export const PLANE_LABEL = 'com.ecs-console.plane-id';

const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((p) => existsSync(p));

const docker = (args: string[], input?: string) =>
  spawnSync('docker', args, { encoding: 'utf8', input, timeout: 120_000 });

/** Whether the docker CLI is there and an engine answers it. */
export function hasDockerEngine(): boolean {
  const r = docker(['info', '--format', '{{.ServerVersion}}']);
  return r.status === 0 && r.stdout.trim() !== '';
}

/** True when an engine (and busybox for the image) is there; otherwise logs the skip, or throws when tools are required. */
export function requireDocker(test: string): boolean {
  const missing = !hasDockerEngine()
    ? 'no Docker Engine answers `docker info`'
    : !BUSYBOX
      ? 'busybox-static is not installed'
      : null;
  if (!missing) return true;
  if (process.env.ECS_CONSOLE_REQUIRE_TOOLS === '1') {
    throw new Error(`${test}: ${missing} (a Docker Engine is required: ECS_CONSOLE_REQUIRE_TOOLS=1)`);
  }
  console.warn(`SKIPPED ${test}: ${missing}`);
  return false;
}

const SERVE = `#!/bin/sh
# The test image's default command: the page, this container's hostname at /hostname.txt, httpd.
hostname > /www/hostname.txt
trap 'kill $pid 2>/dev/null; exit 0' TERM INT
httpd -f -vv -p 80 -h /www &
pid=$!
wait $pid
`;

/** Builds the test image unless the engine has it already. Returns its name. */
export function ensureTestImage(): string {
  if (docker(['image', 'inspect', TEST_IMAGE]).status === 0) return TEST_IMAGE;
  if (!BUSYBOX) throw new Error('busybox-static is needed to build the test image');
  const root = mkdtempSync(join(tmpdir(), 'ecs-console-image-'));
  try {
    for (const d of ['bin', 'www', 'etc', 'tmp', 'proc', 'sys', 'dev', 'data']) mkdirSync(join(root, d));
    copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
    chmodSync(join(root, 'bin/busybox'), 0o755);
    const applets = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const a of applets)
      if (a !== 'busybox' && /^[a-z0-9_.[-]+$/.test(a)) symlinkSync('busybox', join(root, 'bin', a));
    writeFileSync(join(root, 'bin/serve'), SERVE, { mode: 0o755 });
    writeFileSync(join(root, 'www/index.html'), `${TEST_PAGE}\n`);
    writeFileSync(
      join(root, 'etc/passwd'),
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
    );
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
    chmodSync(join(root, 'tmp'), 0o1777);
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
    if (tar.status !== 0) throw new Error(`tar failed: ${String(tar.stderr)}`);
    const imported = spawnSync(
      'docker',
      ['import', '--change', 'CMD ["/bin/serve"]', '--change', 'EXPOSE 80', '-', TEST_IMAGE],
      { input: tar.stdout, encoding: 'utf8', timeout: 120_000 },
    );
    if (imported.status !== 0) throw new Error(`docker import failed: ${imported.stderr}`);
    const check = docker(['run', '--rm', TEST_IMAGE, '/bin/true']);
    if (check.status !== 0) {
      docker(['rmi', TEST_IMAGE]);
      throw new Error(`the test image does not run (is ${BUSYBOX} static?): ${check.stderr}`);
    }
    return TEST_IMAGE;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Ids of the containers (running or not) that carry this plane's id. */
export function planeContainers(planeId: string): string[] {
  const r = docker(['ps', '-aq', '--no-trunc', '--filter', `label=${PLANE_LABEL}=${planeId}`]);
  if (r.status !== 0) throw new Error(`docker ps failed: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

/** Removes what a test plane left (after the test has checked that it left nothing). */
export function removePlaneContainers(planeId: string): void {
  const ids = planeContainers(planeId);
  if (ids.length > 0) docker(['rm', '-f', '-v', ...ids]);
}

/** `docker inspect` of one container, or null when it is gone. */
export function inspectContainer(id: string): {
  State: { Status: string; ExitCode: number; OOMKilled: boolean };
  Config: { Labels: Record<string, string> };
} | null {
  const r = docker(['inspect', id]);
  if (r.status !== 0) return null;
  return (JSON.parse(r.stdout) as ReturnType<typeof inspectContainer>[])[0] ?? null;
}
