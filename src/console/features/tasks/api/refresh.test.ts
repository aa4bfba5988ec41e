import type { Task } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import {
  SWEEP_CYCLES,
  SWEEP_PAGES,
  applyRefresh,
  describedOf,
  pagesToList,
  tasksToDescribe,
  type TasksData,
} from './refresh';

const task = (id: number, lastStatus = 'RUNNING', desiredStatus = 'RUNNING'): Task => ({
  taskArn: `arn:task/${id}`,
  lastStatus,
  desiredStatus,
});

/** Pages of `size` tasks numbered from 0, each page's token the number of its first task. */
function loaded(pages: number, size = 3): TasksData {
  return {
    pages: Array.from({ length: pages }, (_, p) => ({
      items: Array.from({ length: size }, (_, i) => task(p * size + i)),
      ...(p < pages - 1 && { nextToken: String((p + 1) * size) }),
    })),
    pageParams: Array.from({ length: pages }, (_, p) => (p === 0 ? undefined : String(p * size))),
  };
}

describe('pagesToList: the first page and a few others in turn', () => {
  it('lists the first page and SWEEP_PAGES others each cycle, going round the loaded pages', () => {
    expect(SWEEP_PAGES).toBe(4);
    let cursor = 0;
    const seen: number[][] = [];
    for (let cycle = 0; cycle < 3; cycle++) {
      const next = pagesToList(10, cursor);
      seen.push(next.pages);
      cursor = next.cursor;
    }
    expect(seen).toEqual([
      [0, 1, 2, 3, 4],
      [0, 5, 6, 7, 8],
      [0, 9, 1, 2, 3],
    ]);
  });

  it('costs the same up to 33 pages loaded: 4 besides the first', () => {
    expect(pagesToList(33, 30).pages).toEqual([0, 31, 32, 1, 2]);
    expect(pagesToList(20, 18)).toEqual({ pages: [0, 19, 1, 2, 3], cursor: 3 });
  });

  it('lists every loaded page within SWEEP_CYCLES cycles however many are loaded', () => {
    expect(SWEEP_CYCLES).toBe(8);
    // 100 pages: 13 besides the first (99 / 8, rounded up), from the cursor on.
    expect(pagesToList(100, 98)).toEqual({
      pages: [0, 99, ...Array.from({ length: 12 }, (_, i) => 1 + i)],
      cursor: 12,
    });
    for (const pageCount of [2, 9, 34, 100, 257]) {
      const seen = new Set<number>();
      let cursor = 0;
      for (let cycle = 0; cycle < SWEEP_CYCLES; cycle++) {
        const next = pagesToList(pageCount, cursor);
        expect(next.pages[0]).toBe(0);
        expect(new Set(next.pages).size).toBe(next.pages.length);
        next.pages.forEach((p) => seen.add(p));
        cursor = next.cursor;
      }
      expect(seen.size).toBe(pageCount);
    }
  });

  it('lists each page once when few are loaded', () => {
    expect(pagesToList(1, 0)).toEqual({ pages: [0], cursor: 0 });
    expect(pagesToList(3, 1).pages).toEqual([0, 2, 1]);
    expect(pagesToList(0, 0).pages).toEqual([]);
  });
});

describe('tasksToDescribe: what a cycle reads again', () => {
  it('the tasks in view, the new ones listed, and the loaded ones their page no longer lists', () => {
    const data = loaded(4);
    // Page 0 now lists 0, 2 and a new task 100 (1 is gone); page 2 is unchanged.
    const listed = [
      { page: 0, arns: ['arn:task/0', 'arn:task/2', 'arn:task/100'] },
      { page: 2, arns: ['arn:task/6', 'arn:task/7', 'arn:task/8'] },
    ];
    expect(tasksToDescribe(data, listed, ['arn:task/9', 'arn:task/10', 'arn:task/not-loaded'])).toEqual([
      'arn:task/9',
      'arn:task/10',
      'arn:task/100',
      'arn:task/1',
    ]);
  });

  it('never the rows out of view that are still listed', () => {
    expect(
      tasksToDescribe(
        loaded(100, 100),
        [{ page: 0, arns: loaded(1, 100).pages[0]!.items.map((t) => t.taskArn!) }],
        [],
      ),
    ).toEqual([]);
  });
});

describe('applyRefresh: the pages after a cycle', () => {
  it('replaces the rows read, keeps every other row and page as it was', () => {
    const data = loaded(3);
    const fresh = task(4, 'DEACTIVATING', 'RUNNING');
    const next = applyRefresh(data, [], describedOf([fresh], []), 'RUNNING');
    expect(next.pages[1]!.items[1]).toBe(fresh);
    expect(next.pages[0]).toBe(data.pages[0]);
    expect(next.pages[2]).toBe(data.pages[2]);
    expect(next.pages[1]!.items[0]).toBe(data.pages[1]!.items[0]);
    expect(next.pageParams).toBe(data.pageParams);
    expect(next.pages.map((p) => p.nextToken)).toEqual(data.pages.map((p) => p.nextToken));
  });

  it('hands back the same pages when nothing changed', () => {
    const data = loaded(3);
    expect(
      applyRefresh(
        data,
        [{ page: 0, arns: ['arn:task/0', 'arn:task/1', 'arn:task/2'] }],
        describedOf([], []),
        'RUNNING',
      ),
    ).toBe(data);
  });

  it('drops a task DescribeTasks says is missing (expired), in view or not', () => {
    const data = loaded(2);
    const next = applyRefresh(
      data,
      [],
      describedOf(
        [],
        [
          { arn: 'arn:task/4', reason: 'MISSING' },
          { arn: 'arn:task/5', reason: 'ACCESS_DENIED' },
        ],
      ),
      'RUNNING',
    );
    expect(next.pages[1]!.items.map((t) => t.taskArn)).toEqual(['arn:task/3', 'arn:task/5']);
  });

  it('adds a new task to the page that lists it, once, if it matches the filter', () => {
    const data = loaded(2);
    const next = applyRefresh(
      data,
      [{ page: 1, arns: ['arn:task/3', 'arn:task/4', 'arn:task/5', 'arn:task/50', 'arn:task/51'] }],
      describedOf([task(50), task(51, 'STOPPED', 'STOPPED')], []),
      'RUNNING',
    );
    expect(next.pages[1]!.items.map((t) => t.taskArn)).toEqual([
      'arn:task/3',
      'arn:task/4',
      'arn:task/5',
      'arn:task/50',
    ]);
    expect(next.pages[0]).toBe(data.pages[0]);
  });

  it('a task stopped elsewhere leaves the running list, in view or not; the stopped list keeps it', () => {
    const data = loaded(1);
    const stopping = task(1, 'DEACTIVATING', 'STOPPED');
    const next = applyRefresh(data, [], describedOf([stopping], []), 'RUNNING');
    expect(next.pages[0]!.items.map((t) => t.taskArn)).toEqual(['arn:task/0', 'arn:task/2']);
    const stoppedList: TasksData = { pages: [{ items: [stopping] }], pageParams: [undefined] };
    expect(applyRefresh(stoppedList, [], describedOf([stopping], []), 'STOPPED')).toBe(stoppedList);
  });

  it('keeps an unlisted task that still matches (pushed to the next page by new ones)', () => {
    const data = loaded(1);
    const next = applyRefresh(
      data,
      [{ page: 0, arns: ['arn:task/0', 'arn:task/1'] }],
      describedOf([task(2)], []),
      'RUNNING',
    );
    expect(next.pages[0]!.items.map((t) => t.taskArn)).toEqual(['arn:task/0', 'arn:task/1', 'arn:task/2']);
  });

  it('the stopped-tasks list keeps its stopped tasks (the filter is the desired status asked for)', () => {
    const data: TasksData = { pages: [{ items: [task(1, 'STOPPED', 'STOPPED')] }], pageParams: [undefined] };
    const next = applyRefresh(
      data,
      [{ page: 0, arns: ['arn:task/1', 'arn:task/2'] }],
      describedOf([task(2, 'STOPPED', 'STOPPED')], []),
      'STOPPED',
    );
    expect(next.pages[0]!.items.map((t) => t.taskArn)).toEqual(['arn:task/1', 'arn:task/2']);
  });
});
