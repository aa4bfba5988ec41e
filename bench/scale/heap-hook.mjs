// Loaded into a server with `node --import` (server-heap.ts): SIGUSR2 starts the inspector's sampling
// heap profiler (objects collected by the minor and major GC included, so the profile is what was
// allocated, not what is left); the next SIGUSR2 stops it and writes the profile to
// $HEAP_PROFILE_OUT.N (N counts the profiles) and prints "heap profile written". Also turns on
// --trace-gc-nvp (a line per GC on stdout, with the bytes allocated and promoted).
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// Node refuses --trace-gc-nvp in NODE_OPTIONS; V8 takes it at run time.
setFlagsFromString('--trace-gc-nvp');
// HEAP_NO_INLINING=1: each function's allocations under its own name, not its caller's.
if (process.env.HEAP_NO_INLINING) setFlagsFromString('--no-turbo-inlining');

const out = process.env.HEAP_PROFILE_OUT ?? 'heap';
const session = new Session();
session.connect();
let sampling = false;
let n = 0;
process.on('SIGUSR2', () => {
  if (!sampling) {
    sampling = true;
    session.post('HeapProfiler.startSampling', {
      samplingInterval: Number(process.env.HEAP_SAMPLING_INTERVAL ?? 4096),
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    return;
  }
  sampling = false;
  session.post('HeapProfiler.stopSampling', (err, result) => {
    if (err) throw err;
    writeFileSync(`${out}.${n++}`, JSON.stringify(result.profile));
    console.log('heap profile written');
  });
});
