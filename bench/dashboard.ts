/**
 * Dashboard benchmark (issue 5): a cluster with 100 services and 10,000 tasks on ~1000 container
 * instances, then the cluster's Tasks tab in Chromium. Prints the AWS API calls per refresh cycle
 * (requests to /aws/* seen by the page, by operation), the time from navigation to the first task rows,
 * and how a fast scroll through the virtualised table renders (frames, gaps, rows in the DOM). The first
 * load: several loads of the Tasks tab, each in a fresh browser context (no cache), timing the first
 * ListTasks sent and the first task rows (median and range).
 * Figures only: nothing here asserts a time. `--quick`: 10 services, 1,000 tasks.
 */
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  ECSClient,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { existsSync } from 'node:fs';
import { Agent } from 'node:http';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser, type Request } from 'playwright-core';
import { chromiumLaunchOptions } from '../e2e/chromium';
import { fmt, pool, root, startEcsConsole, table } from './lib';

interface ScrollFigures {
  frames: number;
  maxGapMs: number;
  longFrames: number;
  ms: number;
  rowsInDom: number;
}

/**
 * A fast scroll of the task table: 600 px per frame for 3 s, timing each frame. A string, not a function:
 * tsx would wrap a function's inner helpers in `__name(...)`, which does not exist in the page.
 */
const FAST_SCROLL = `new Promise((resolve) => {
  const el = document.querySelector('[data-testid="tasks-scroll"]');
  const startAt = performance.now();
  let last = startAt, frames = 0, maxGap = 0, longFrames = 0;
  const step = (now) => {
    const gap = now - last;
    last = now;
    frames++;
    maxGap = Math.max(maxGap, gap);
    if (gap > 50) longFrames++;
    el.scrollTop = (el.scrollTop + 600) % Math.max(1, el.scrollHeight - el.clientHeight);
    if (now - startAt < 3000) requestAnimationFrame(step);
    else resolve({ frames, maxGapMs: maxGap, longFrames, ms: now - startAt,
      rowsInDom: el.querySelectorAll('[data-testid="task-row"]').length });
  };
  requestAnimationFrame(step);
})`;

interface Call {
  at: number;
  doneAt?: number;
  op: string;
  firstPage: boolean;
  /** A ListTasks with a token never sent before: the read of a page not loaded yet (not a poll's). */
  newPage: boolean;
}

/** One page read on scroll: from the scroll to the end to the count saying more tasks are listed. */
interface PageLoad {
  ms: number;
  scrolledAt: number;
  shownAt: number;
  list: Call | undefined;
  describe: Call | undefined;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function p90(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))] as number;
}

interface Trace {
  traceEvents: Array<{ name: string; ph: string; dur?: number; tid: number; pid: number; args?: unknown }>;
}

/** Main-thread time of the renderer (microsecond `dur` of complete events) by the kind of work. */
function mainThreadTime(trace: Trace) {
  const events = trace.traceEvents;
  const main = events.find(
    (e) => e.name === 'thread_name' && (e.args as { name?: string } | undefined)?.name === 'CrRendererMain',
  );
  const on = events.filter((e) => e.ph === 'X' && main && e.tid === main.tid && e.pid === main.pid);
  const sum = (names: string[]) =>
    on.filter((e) => names.includes(e.name)).reduce((a, e) => a + (e.dur ?? 0), 0) / 1000;
  return {
    script: sum(['FunctionCall', 'EvaluateScript']),
    style: sum(['UpdateLayoutTree', 'RecalculateStyles']),
    layout: sum(['Layout']),
    paint: sum(['Paint', 'PrePaint', 'Layerize', 'UpdateLayer', 'CompositeLayers', 'Commit']),
    longestTask: Math.max(0, ...on.filter((e) => e.name.endsWith('RunTask')).map((e) => (e.dur ?? 0) / 1000)),
  };
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples?: number[];
  timeDeltas?: number[];
}

/** The functions with the most self time in a CPU profile, as "name (file:line) ms". */
function topSelfTime(profile: CpuProfile, n: number): string {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  samples.forEach((id, i) => {
    const f = byNode.get(id)?.callFrame;
    if (!f) return;
    const where = f.url ? `${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `${k} ${fmt(ms, 0)}`)
    .join('; ');
}

interface FirstLoads {
  runs: number;
  listTasksMs: number[];
  rowsMs: number[];
  scripts: number[];
}

/**
 * First loads of a cluster's Tasks tab, each in a fresh browser context (an empty cache, as a first visit):
 * from navigation to the first ListTasks the page sends and to the first task row shown.
 */
async function firstLoads(browser: Browser, url: string, runs: number): Promise<FirstLoads> {
  const out: FirstLoads = { runs, listTasksMs: [], rowsMs: [], scripts: [] };
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    let started = 0;
    let listAt: number | undefined;
    let scripts = 0;
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts++;
      if (listAt === undefined && operationOf(r) === 'ListTasks') listAt = performance.now() - started;
    });
    started = performance.now();
    await page.goto(url);
    await page.getByTestId('task-row').first().waitFor({ state: 'visible', timeout: 120_000 });
    out.rowsMs.push(performance.now() - started);
    if (listAt !== undefined) out.listTasksMs.push(listAt);
    out.scripts.push(scripts);
    await context.close();
  }
  return out;
}

const range = (xs: number[]) =>
  `${fmt(median(xs), 0)} (${fmt(Math.min(...xs), 0)}–${fmt(Math.max(...xs), 0)})`;

interface Size {
  services: number;
  tasksPerService: number;
  instances: number;
}

function ecsClient(endpoint: string): ECSClient {
  return new ECSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 16 }) }),
  });
}

/** The AWS operation of a request the SPA sent: X-Amz-Target (JSON protocols) or Action= (query). */
function operationOf(request: Request): string {
  const target = request.headers()['x-amz-target'];
  if (target) return target.split('.').pop() ?? target;
  const action = /(?:^|&)Action=([^&]+)/.exec(request.postData() ?? '');
  return action?.[1] ?? request.url();
}

async function populate(url: string, size: Size): Promise<{ cluster: string; seconds: number }> {
  const ecs = ecsClient(url);
  const cluster = 'bench-dashboard';
  const started = performance.now();
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  await pool(
    Array.from({ length: size.instances }, (_, i) => i),
    8,
    async () => {
      await ecs.send(
        new RegisterContainerInstanceCommand({
          cluster,
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
          ],
        }),
      );
    },
  );
  // No port mappings: 10,000 tasks would otherwise open 10,000 sockets on the bench machine.
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench-dashboard',
      containerDefinitions: [
        { name: 'app', image: 'public.ecr.aws/docker/library/busybox', cpu: 32, memory: 32 },
      ],
    }),
  );
  await pool(
    Array.from({ length: size.services }, (_, i) => i),
    4,
    async (i) => {
      await ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName: `svc-${String(i).padStart(3, '0')}`,
          taskDefinition: 'bench-dashboard',
          desiredCount: size.tasksPerService,
        }),
      );
    },
  );
  const want = size.services * size.tasksPerService;
  const deadline = Date.now() + 20 * 60_000;
  let running = 0;
  while (Date.now() < deadline) {
    const c = (await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }))).clusters?.[0];
    running = c?.runningTasksCount ?? 0;
    if (running >= want) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  ecs.destroy();
  if (running < want) throw new Error(`only ${running} of ${want} tasks RUNNING after 20 minutes`);
  return { cluster, seconds: (performance.now() - started) / 1000 };
}

export async function benchDashboard(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const size: Size = quick
    ? { services: 10, tasksPerService: 100, instances: 100 }
    : { services: 100, tasksPerService: 100, instances: 1000 };
  console.log(
    `\n## dashboard: ${size.services} services, ${size.services * size.tasksPerService} tasks, ${size.instances} container instances`,
  );
  if (!chromiumLaunchOptions.executablePath) {
    if (process.env['ECS_CONSOLE_REQUIRE_TOOLS'] === '1') throw new Error('/usr/bin/chromium is missing');
    console.log('skipped: /usr/bin/chromium is not installed');
    return;
  }
  if (!existsSync(join(root, 'dist/console/index.html'))) {
    console.log('building the SPA (npx vite build)');
    const r = spawnSync('npx', ['vite', 'build'], { cwd: root, stdio: 'ignore' });
    if (r.status !== 0) throw new Error('vite build failed');
  }
  const server = await startEcsConsole(
    ['serve', '--port', '0', '--ephemeral', '--task-step-ms', '50'],
    /ecs-console console: (http:\/\/\S+)/,
  );
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const { cluster, seconds } = await populate(server.url, size);
    console.log(`populated in ${fmt(seconds)} s`);

    const loads = await firstLoads(browser, `${server.url}/clusters/${cluster}?tab=tasks`, 7);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const calls: Call[] = [];
    const pending = new Map<Request, Call>();
    const tokensSent = new Set<string>();
    page.on('request', (r) => {
      if (!new URL(r.url()).pathname.startsWith('/aws/')) return;
      const body = r.postData() ?? '';
      const op = operationOf(r);
      const token = /"nextToken":"([^"]+)"/.exec(body)?.[1];
      const newPage = op === 'ListTasks' && token !== undefined && !tokensSent.has(token);
      if (token) tokensSent.add(token);
      const call = { at: Date.now(), op, firstPage: token === undefined, newPage };
      calls.push(call);
      pending.set(r, call);
    });
    const settle = (r: Request) => {
      const call = pending.get(r);
      if (call) call.doneAt = Date.now();
      pending.delete(r);
    };
    page.on('requestfinished', settle);
    page.on('requestfailed', settle);

    const t0 = Date.now();
    await page.goto(`${server.url}/clusters/${cluster}?tab=tasks`);
    await page.getByTestId('task-row').first().waitFor({ state: 'visible', timeout: 120_000 });
    const firstRowsMs = Date.now() - t0;
    const rowsInDom = await page.getByTestId('task-row').count();
    const want = size.services * size.tasksPerService;
    // The list loads a page of 100 at a time ("100 tasks loaded, more to load"), the next one when
    // its virtual list nears its end: scrolled to the end as an operator would, one page at a time, timing
    // each from the scroll to the count saying more rows are listed.
    const count = page.getByTestId('tasks-count');
    const scroller = page.getByTestId('tasks-scroll');
    const pages: PageLoad[] = [];
    // Five pages read on scroll half way through (a page each 100 tasks), under the CPU profiler: where
    // the time between a page's response and its rows goes once thousands are loaded.
    const profiledFrom = Math.floor(want / 200);
    const loadCdp = await page.context().newCDPSession(page);
    let loadCpu: CpuProfile | undefined;
    let profiling = 0;
    const countSelector = '[data-testid="tasks-count"]';
    for (let i = 0; i < want / 100 + 20; i++) {
      const before = (await count.textContent()) ?? '';
      if (new RegExp(`^${want} tasks`).test(before)) break;
      const scrolledAt = Date.now();
      await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await page
        .waitForFunction(
          ([sel, text]) => document.querySelector(sel as string)?.textContent !== text,
          [countSelector, before],
          { timeout: 30_000, polling: 'raf' },
        )
        .catch(() => undefined);
      const shownAt = Date.now();
      const listed = Number(/^\d+/.exec((await count.textContent()) ?? '')?.[0] ?? 0);
      // The read of the page now shown: the pages are read in order, each with a token never sent before
      // (the first newPage call read tasks 101-200). Often sent before the scroll (read ahead once the
      // previous page was listed): the first newPage call after the scroll would be the next page's.
      const list = calls.filter((c) => c.newPage)[listed / 100 - 2];
      const describe = list
        ? calls.find((c) => c.op === 'DescribeTasks' && c.at >= (list.doneAt ?? list.at))
        : undefined;
      pages.push({ ms: shownAt - scrolledAt, shownAt, scrolledAt, list, describe });
      if (!profiling && !loadCpu && listed >= profiledFrom * 100) {
        profiling = listed;
        await loadCdp.send('Profiler.enable');
        await loadCdp.send('Profiler.start');
      } else if (profiling && !loadCpu && listed >= profiling + 500) {
        loadCpu = (await loadCdp.send('Profiler.stop')).profile;
        await loadCdp.detach();
      }
    }
    await count.filter({ hasText: new RegExp(`^${want} tasks`) }).waitFor({ timeout: 60_000 });
    const allRowsMs = Date.now() - t0;
    const perPage = pages.map((p) => p.ms);
    // Pages whose ListTasks was sent after the scroll (the others were read ahead, before it).
    const requested = pages.filter((p) => p.list && p.list.at >= p.scrolledAt);
    const listMs = pages.flatMap((p) => (p.list?.doneAt ? [p.list.doneAt - p.list.at] : []));
    const describeMs = pages.flatMap((p) => (p.describe?.doneAt ? [p.describe.doneAt - p.describe.at] : []));
    const sentToShownMs = pages.flatMap((p) => (p.list ? [p.shownAt - p.list.at] : []));
    const renderMs = pages.flatMap((p) =>
      p.describe?.doneAt && p.describe.doneAt <= p.shownAt ? [p.shownAt - p.describe.doneAt] : [],
    );

    // One steady refresh cycle of the tasks list: from one first-page ListTasks to the next.
    const since = calls.length;
    const deadline = Date.now() + 30_000;
    const cycleStarts = () =>
      calls
        .slice(since)
        .filter((c) => c.op === 'ListTasks' && c.firstPage)
        .map((c) => c.at);
    while (cycleStarts().length < 2 && Date.now() < deadline) await page.waitForTimeout(250);
    const [start, end] = cycleStarts();
    const cycle =
      start !== undefined && end !== undefined ? calls.filter((c) => c.at >= start && c.at < end) : [];
    const byOp = new Map<string, number>();
    for (const c of cycle) byOp.set(c.op, (byOp.get(c.op) ?? 0) + 1);

    // A fast scroll: 600 px per frame for 3 s, measuring frame intervals in the page.
    const scroll = (await page.evaluate(FAST_SCROLL)) as ScrollFigures;
    // The same scroll again under a Chromium performance trace: where the main thread's time goes.
    await browser.startTracing(page, { categories: ['devtools.timeline', 'blink.user_timing', 'toplevel'] });
    const traced = (await page.evaluate(FAST_SCROLL)) as ScrollFigures;
    const profile = mainThreadTime(JSON.parse((await browser.stopTracing()).toString('utf8')) as Trace);
    // And under the CPU profiler, the functions the scroll spends its script time in (self time).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
    await page.evaluate(FAST_SCROLL);
    const { profile: cpu } = await cdp.send('Profiler.stop');
    await cdp.detach();

    console.log(
      table([
        {
          figure: `first load, fresh context: navigation to first ListTasks sent (ms, median (range) of ${loads.runs})`,
          value: range(loads.listTasksMs),
        },
        {
          figure: `first load, fresh context: navigation to first task rows (ms, median (range) of ${loads.runs})`,
          value: `${range(loads.rowsMs)}; ${fmt(median(loads.scripts), 0)} scripts loaded`,
        },
        { figure: 'navigation to first task rows (ms)', value: fmt(firstRowsMs, 0) },
        {
          figure: `navigation to all ${want} tasks listed, scrolling to load (ms)`,
          value: fmt(allRowsMs, 0),
        },
        {
          figure: 'time per page on scroll, scroll to rows listed (ms, median / p90)',
          value: `${fmt(median(perPage), 0)} / ${fmt(p90(perPage), 0)} (${pages.length} scrolls to the end; the other ${Math.max(0, want / 100 - 1 - pages.length)} pages were read ahead)`,
        },
        {
          figure:
            '  its ListTasks sent before the scroll (read ahead) / after it: scroll to ListTasks sent (ms, median)',
          value: `${pages.length - requested.length} / ${requested.length}: ${fmt(median(requested.flatMap((p) => (p.list ? [p.list.at - p.scrolledAt] : []))), 0)}`,
        },
        {
          figure: '  its ListTasks sent to rows listed (ms, median / p90)',
          value: `${fmt(median(sentToShownMs), 0)} / ${fmt(p90(sentToShownMs), 0)}`,
        },
        {
          figure: '  of which ListTasks / DescribeTasks round trips (ms, median)',
          value: `${fmt(median(listMs), 0)} / ${fmt(median(describeMs), 0)}`,
        },
        {
          figure: '  of which last response to rows listed (ms, median)',
          value: fmt(median(renderMs), 0),
        },
        { figure: 'task rows in the DOM (virtualised)', value: rowsInDom },
        {
          figure: 'API calls in one tasks refresh cycle',
          value: `${cycle.length} (${[...byOp].map(([op, n]) => `${op} ${n}`).join(', ')})`,
        },
        {
          figure: 'refresh cycle length (s)',
          value: start !== undefined && end !== undefined ? fmt((end - start) / 1000) : 'n/a',
        },
        {
          figure: 'fast scroll: frames in 3 s',
          value: `${scroll.frames} (${fmt((scroll.frames * 1000) / scroll.ms)} fps)`,
        },
        { figure: 'fast scroll: longest frame (ms)', value: fmt(scroll.maxGapMs, 0) },
        { figure: 'fast scroll: frames over 50 ms', value: scroll.longFrames },
        { figure: 'fast scroll: rows in the DOM', value: scroll.rowsInDom },
        {
          figure: `profiled 5 pages on scroll from ${profiledFrom * 100} tasks: top self time (ms)`,
          value: loadCpu ? topSelfTime(loadCpu, 6) : 'n/a',
        },
        {
          figure: 'profiled fast scroll: top self time (ms)',
          value: topSelfTime(cpu, 6),
        },
        {
          figure: 'traced fast scroll: main thread ms (script / style / layout / paint+composite)',
          value: `${fmt(profile.script, 0)} / ${fmt(profile.style, 0)} / ${fmt(profile.layout, 0)} / ${fmt(profile.paint, 0)} in ${fmt(traced.ms, 0)} ms, ${traced.frames} frames, longest task ${fmt(profile.longestTask, 0)} ms`,
        },
      ]),
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}
