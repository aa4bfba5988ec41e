/**
 * Vitest setup: property tests run with one fixed seed, so `npm test` (and CI) is reproducible; a
 * failure names its seed. `FC_SEED=random` explores new inputs (how the EC2 fuzz found VpcId=""),
 * `FC_SEED=<n>` replays a run.
 */
import fc from 'fast-check';

const configured = process.env.FC_SEED;
const seed =
  configured === 'random'
    ? Date.now() ^ Math.floor(Math.random() * 0x7fffffff)
    : Number(configured ?? 20261125);
fc.configureGlobal({ seed });
