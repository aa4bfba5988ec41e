/**
 * State files written before the scheduler kept its state in fields: derive the fields once from
 * the words they were then kept in, so an upgraded plane decides as the old one would have.
 *
 * - A service whose newest event says it reached a steady state gets `steadySince`.
 * - A task the scheduler stopped for failing its load balancer's health checks gets its `stopCause`
 *   (it counts as a failed task for the circuit breaker and `failedTasks`). Other scheduler stops
 *   need no cause to be judged (they are not failures).
 *
 * Runs once per state file (a marker in the meta table), in one transaction, before the first pass.
 */
import type { LocalDeps } from '../deps';
import type { EcsCollections } from '../ecs/model';
import { taskKeys } from '../ecs/counts';

const MARKER = 'scheduler:fields';
const STEADY = 'has reached a steady state.';
const UNHEALTHY = /^Task failed ELB health checks in \(target-group (.+)\)$/;

export function upgradeSchedulerRecords(deps: LocalDeps, col: EcsCollections): void {
  if (deps.db.getMeta(MARKER)) return;
  deps.db.tx(() => {
    if (deps.db.getMeta(MARKER)) return;
    for (const rec of col.services.all()) {
      const newest = rec.service.events[0];
      if (rec.steadySince !== undefined || !newest?.message?.endsWith(STEADY)) continue;
      col.services.put(rec.service.serviceArn, { ...rec, steadySince: newest.createdAt ?? 0 });
    }
    for (const clusterArn of col.clusters.ids()) {
      for (const id of col.tasks.idsByKey(taskKeys.cluster(clusterArn, 'STOPPED'))) {
        const t = col.tasks.get(id);
        if (!t) continue;
        if (t.stopCause || t.task.stopCode !== 'ServiceSchedulerInitiated') continue;
        const targetGroupArn = UNHEALTHY.exec(t.task.stoppedReason ?? '')?.[1];
        if (targetGroupArn)
          col.tasks.put(t.task.taskArn, { ...t, stopCause: { kind: 'unhealthyTarget', targetGroupArn } });
      }
    }
    deps.db.setMeta(MARKER, '1');
  });
}
