// What a warm server allocates per request under issue 14's JS SDK workload: ours started with
// bench/scale/heap-hook.mjs (--trace-gc-nvp), warmed up, then N runs under the sampling heap
// profiler (objects the GC collected included). Prints KB allocated (the profile's estimate) and KB
// allocated / promoted by the scavenger (--trace-gc-nvp) per request, and the functions that
// allocate the most (self) and under which the most is allocated (inclusive).
//
//   node bin/run-ts.mjs bench/scale/server-heap.ts [--runs N] [--warm N] [--top N] [--root DIR]
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ours, sdkWorkloadOnce, startOurs } from './client';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? (args.splice(at, 2)[1] as string) : dflt;
};
const runs = Number(opt('--runs', '3'));
const warm = Number(opt('--warm', '2'));
const top = Number(opt('--top', '25'));
const root = resolve(opt('--root', '.'));
const out = `/tmp/server-heap-${process.pid}`;
process.env['HEAP_PROFILE_OUT'] = out;
ours.bin = join(root, 'bin/ecs-console.mjs');
const hook = join(import.meta.dirname, 'heap-hook.mjs');
const s = await startOurs({ nodeOptions: `--import ${hook}` });
const pid = s.child.pid ?? 0;
let gcLines: string[] = [];
let text = '';
s.child.stdout?.on('data', (d: Buffer) => {
  text += d.toString();
  const lines = text.split('\n');
  text = lines.pop() ?? '';
  for (const l of lines)
    if (l.includes('gc=s') || l.includes('gc=mc') || l.includes('gc=mmc')) gcLines.push(l);
});
const field = (line: string, name: string) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);
let requests = 0;
try {
  await sdkWorkloadOnce(s.url, { instances: 10, tasks: 100 }, false);
  for (let i = 0; i < warm; i++) await sdkWorkloadOnce(s.url, { instances: 100, tasks: 1000 }, false);
  await new Promise((r) => setTimeout(r, 1000));
  gcLines = [];
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < runs; i++)
    requests += (await sdkWorkloadOnce(s.url, { instances: 100, tasks: 1000 }, false)).requests;
  const written = new Promise<void>((res) => {
    const onData = (d: Buffer) => {
      if (d.toString().includes('heap profile written')) {
        s.child.stdout?.off('data', onData);
        res();
      }
    };
    s.child.stdout?.on('data', onData);
  });
  const scavenges = gcLines.filter((l) => l.includes('gc=s '));
  const majors = gcLines.length - scavenges.length;
  const sum = (ls: string[], f: string) => ls.reduce((a, l) => a + field(l, f), 0);
  process.kill(pid, 'SIGUSR2');
  await Promise.race([written, once(s.child, 'exit')]);
  const kb = (bytes: number) => (bytes / 1024 / requests).toFixed(1);
  console.log(
    `${requests} requests; scavenger: ${kb(sum(scavenges, 'allocated'))} KB allocated, ` +
      `${kb(sum(scavenges, 'promoted'))} KB promoted a request; ${scavenges.length} scavenges ` +
      `(${sum(scavenges, 'pause').toFixed(0)} ms), ${majors} mark-compacts`,
  );
  summarise(JSON.parse(readFileSync(`${out}.0`, 'utf8')) as { head: ProfileNode });
} finally {
  await s.stop();
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

function summarise(profile: { head: ProfileNode }): void {
  const label = (n: ProfileNode) => {
    const f = n.callFrame;
    const url = f.url.replace(/^file:\/\//, '').replace(/.*\/(src|node_modules)\//, '$1/');
    return `${f.functionName || '(anonymous)'} ${url ? `${url}:${f.lineNumber + 1}` : ''}`.trim();
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  const walk = (n: ProfileNode, onStack: Set<string>): number => {
    const name = label(n);
    self.set(name, (self.get(name) ?? 0) + n.selfSize);
    total += n.selfSize;
    const inner = new Set(onStack).add(name);
    let size = n.selfSize;
    for (const c of n.children) size += walk(c, inner);
    if (!onStack.has(name)) inclusive.set(name, (inclusive.get(name) ?? 0) + size);
    return size;
  };
  walk(profile.head, new Set());
  console.log(`sampled: ${(total / 1024 / requests).toFixed(1)} KB a request`);
  const print = (title: string, m: Map<string, number>) => {
    console.log(`\n${title} (KB a request, share)`);
    for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(
        `${(v / 1024 / requests).toFixed(2).padStart(8)} ${((v * 100) / total).toFixed(1).padStart(5)} %  ${k}`,
      );
  };
  print('self', self);
  print('inclusive', inclusive);
}
process.exit(0);
