/**
 * How the tasks list stays live at 10,000 tasks without re-reading them all. A refresh cycle reads:
 * - ListTasks of the first page and of a few loaded pages in turn (a sweep: every loaded page is listed
 *   again within `SWEEP_CYCLES` cycles: `SWEEP_PAGES` a cycle, more when more are loaded), ARNs only:
 *   tasks listed there and not loaded are new (ListTasks orders by ARN, so a task started elsewhere can
 *   be listed on any page);
 *   loaded tasks of those pages that are no longer listed have stopped, expired or moved past the page;
 * - DescribeTasks (100 a call) of the tasks the operator can see, of the new ones and of the unlisted ones.
 * Every other loaded row is kept as it was read (same object) until it scrolls into view, when it is read
 * again. So a cycle costs 1 + SWEEP_PAGES ListTasks (up to 33 pages loaded; 1 + pages / SWEEP_CYCLES
 * beyond) and about one DescribeTasks.
 * Each page keeps its own token: the pages after it are still found where they were.
 */
import type { Failure, Task } from '@aws-sdk/client-ecs';
import type { InfiniteData } from '@tanstack/react-query';
import type { Page } from '../../../aws/paged';

/** Loaded pages listed again per cycle besides the first, at least. */
export const SWEEP_PAGES = 4;
/**
 * Cycles in which every loaded page is listed again, at most: with 100 pages loaded (10,000 tasks) a
 * cycle lists 13 besides the first, so a task started elsewhere shows within 8 cycles (about 40 s),
 * where 4 a cycle took 25 (2 minutes).
 */
export const SWEEP_CYCLES = 8;
/** DescribeTasks takes at most 100 tasks per call. */
export const DESCRIBE_BATCH = 100;

export type TasksData = InfiniteData<Page<Task>, string | undefined>;

/**
 * The loaded pages a cycle lists again: the first, then others from `cursor` on, in turn: `SWEEP_PAGES`,
 * or as many as make every page listed within `SWEEP_CYCLES` cycles.
 */
export function pagesToList(pageCount: number, cursor: number): { pages: number[]; cursor: number } {
  if (pageCount === 0) return { pages: [], cursor: 0 };
  const others = pageCount - 1;
  const n = Math.min(Math.max(SWEEP_PAGES, Math.ceil(others / SWEEP_CYCLES)), others);
  const pages = [0];
  for (let i = 0; i < n; i++) pages.push(1 + ((cursor + i) % others));
  return { pages, cursor: others === 0 ? 0 : (cursor + n) % others };
}

/** What a list read of page `page` found: the task ARNs listed there now. */
export interface Listed {
  page: number;
  arns: string[];
}

/**
 * The tasks to describe: the visible ones loaded, the ones this console started and not loaded yet
 * (`expected`), the ones listed but not loaded (new), and the loaded ones of a listed page it no longer
 * lists. Each once, in that order.
 */
export function tasksToDescribe(
  data: TasksData,
  listed: Listed[],
  visible: Iterable<string>,
  expected: Iterable<string> = [],
): string[] {
  const loaded = new Set<string>();
  for (const p of data.pages) for (const t of p.items) if (t.taskArn) loaded.add(t.taskArn);
  const out = new Set<string>();
  for (const arn of visible) if (loaded.has(arn)) out.add(arn);
  // Started from this console: shown at once, wherever ListTasks will list them.
  for (const arn of expected) if (!loaded.has(arn)) out.add(arn);
  for (const l of listed) {
    for (const arn of l.arns) if (!loaded.has(arn)) out.add(arn);
    const now = new Set(l.arns);
    for (const t of data.pages[l.page]?.items ?? []) if (t.taskArn && !now.has(t.taskArn)) out.add(t.taskArn);
  }
  return [...out];
}

export interface Described {
  tasks: Map<string, Task>;
  /** DescribeTasks failures with reason MISSING: the task is gone (expired). */
  missing: Set<string>;
}

export function describedOf(tasks: Task[], failures: Failure[]): Described {
  return {
    tasks: new Map(tasks.flatMap((t) => (t.taskArn ? [[t.taskArn, t] as const] : []))),
    missing: new Set(failures.flatMap((f) => (f.arn && f.reason === 'MISSING' ? [f.arn] : []))),
  };
}

/**
 * The pages after a cycle. A described task replaces its row; a missing one goes; so does one whose
 * desired status left the list's filter (a running task stopped elsewhere leaves the running list, as
 * ListTasks would no longer list it); a task its page no longer lists but that still matches stays (new
 * tasks pushed it to the next page); a new task joins the page that lists it. Rows and pages nothing changed keep their identity (tables and lookups memoise on them).
 */
export function applyRefresh(
  data: TasksData,
  listed: Listed[],
  described: Described,
  desiredStatus: string,
  expected: { arns: Iterable<string>; belongs: (t: Task) => boolean } = { arns: [], belongs: () => true },
): TasksData {
  const added = new Map<number, Task[]>();
  const loaded = new Set<string>();
  for (const p of data.pages) for (const t of p.items) if (t.taskArn) loaded.add(t.taskArn);
  // Started from this console and not listed in a page loaded yet: on the first page until ListTasks
  // lists them where they belong (a page read later may list one again: the list shows each once).
  for (const arn of expected.arns) {
    const t = described.tasks.get(arn);
    if (loaded.has(arn) || !t || t.desiredStatus !== desiredStatus || !expected.belongs(t)) continue;
    loaded.add(arn);
    added.set(0, [...(added.get(0) ?? []), t]);
  }
  for (const l of listed) {
    for (const arn of l.arns) {
      const t = described.tasks.get(arn);
      if (loaded.has(arn) || !t || t.desiredStatus !== desiredStatus) continue;
      loaded.add(arn);
      added.set(l.page, [...(added.get(l.page) ?? []), t]);
    }
  }
  let changed = false;
  const pages = data.pages.map((page, i) => {
    let pageChanged = false;
    const items: Task[] = [];
    for (const t of page.items) {
      const arn = t.taskArn ?? '';
      if (described.missing.has(arn)) {
        pageChanged = true;
        continue;
      }
      const fresh = described.tasks.get(arn) ?? t;
      if (fresh.desiredStatus !== desiredStatus) {
        pageChanged = true;
        continue;
      }
      if (fresh !== t) pageChanged = true;
      items.push(fresh);
    }
    const joined = added.get(i);
    if (joined) {
      items.push(...joined);
      pageChanged = true;
    }
    if (!pageChanged) return page;
    changed = true;
    return { ...page, items };
  });
  return changed ? { ...data, pages } : data;
}
