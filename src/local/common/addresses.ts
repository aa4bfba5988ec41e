/**
 * Loopback address plan. On Linux all of 127.0.0.0/8 reaches the loopback interface, so every
 * simulated host gets its own address and its ports never collide with another's:
 *   127.1.x.y  EC2 instances (their private and public IP)
 *   127.2.x.y  container instances registered through the API with no EC2 instance behind them
 *   127.3.x.y  load balancers
 *   127.4.x.y  elastic network interfaces (awsvpc tasks: Fargate and EC2; each task's own address)
 * Several control planes can run on one machine (two `ecs-console local` processes, or test files
 * running in parallel). Each one claims an address block at start (see `claimAddressBlock`): block b
 * owns the third octets 16b..16b+15 of every pool, so two planes never hand out the same address.
 * Where per-host addresses are not available, everything uses the fallback address.
 */
import { createServer, type Server } from 'node:net';
import type { LocalDeps } from '../deps';

export type AddressPool = 'ec2' | 'container-instance' | 'load-balancer' | 'network-interface';

const SECOND_OCTET: Record<AddressPool, number> = {
  ec2: 1,
  'container-instance': 2,
  'load-balancer': 3,
  'network-interface': 4,
};
/** The persisted counter of each pool (names kept from before blocks existed). */
const SEQUENCE: Record<AddressPool, string> = {
  ec2: 'ec2-address',
  'container-instance': 'ci-address',
  'load-balancer': 'lb-address',
  'network-interface': 'eni-address',
};

/**
 * The tag that asks the local EC2 for a public IP on a new network interface: the local stand-in
 * for what ECS does inside AWS for a Fargate task with assignPublicIp ENABLED (no public EC2 API
 * associates a public IP with a new interface). The public IP is the interface's own address.
 */
export const PUBLIC_IP_TAG = 'ecs-console:assign-public-ip';

export const ADDRESS_BLOCKS = 16;
const OCTETS_PER_BLOCK = 256 / ADDRESS_BLOCKS;
/** Addresses per pool in one block (x.y.z.0 and x.y.z.255 are not used). */
export const ADDRESSES_PER_BLOCK = OCTETS_PER_BLOCK * 254;

/** The n-th address (n >= 1) of a pool in a block: 127.P.(16 block + (n-1) / 254).((n-1) % 254 + 1). */
export function poolAddress(
  pool: AddressPool,
  n: number,
  perHost: boolean,
  fallback = '127.0.0.1',
  block = 0,
): string {
  if (!perHost) return fallback;
  const index = (n - 1) % ADDRESSES_PER_BLOCK;
  const third = (block % ADDRESS_BLOCKS) * OCTETS_PER_BLOCK + Math.floor(index / 254);
  const fourth = (index % 254) + 1;
  return `127.${SECOND_OCTET[pool]}.${third}.${fourth}`;
}

/**
 * Allocates the next address of a pool for this plane (persisted counter, inside the caller's
 * transaction). A pool wraps after ADDRESSES_PER_BLOCK addresses; `inUse` (when given) skips the
 * addresses still held, so a long-lived holder keeps its address to itself.
 */
export function allocateAddress(
  deps: LocalDeps,
  pool: AddressPool,
  inUse?: (address: string) => boolean,
): string {
  const next = () =>
    poolAddress(
      pool,
      deps.db.nextSeq(SEQUENCE[pool]),
      deps.config.perInstanceAddresses,
      deps.config.fallbackAddress,
      deps.config.addressBlock,
    );
  let address = next();
  if (!inUse || !deps.config.perInstanceAddresses) return address;
  for (let tries = 1; tries < ADDRESSES_PER_BLOCK && inUse(address); tries++) address = next();
  return address;
}

/** Where a plane holds its claim on block b: a listening socket no simulated host ever uses. */
const CLAIM_PORT = 47_999;
const claimAddress = (block: number) => `127.255.${block}.1`;

export interface AddressBlockClaim {
  block: number;
  release(): Promise<void>;
}

/**
 * Claims an address block for this process, trying `preferred` first: a block is held by a
 * listening socket on its claim address, so the claim ends when the process does, however it ends.
 * When every block is taken, block `preferred` is used unclaimed (addresses may then collide).
 */
export async function claimAddressBlock(
  preferred: number,
  perHost: boolean,
): Promise<AddressBlockClaim & { claimed: boolean }> {
  const none = { block: preferred, claimed: false, release: async () => {} };
  if (!perHost) return none;
  for (let i = 0; i < ADDRESS_BLOCKS; i++) {
    const block = (preferred + i) % ADDRESS_BLOCKS;
    const server = await listenOn(claimAddress(block), CLAIM_PORT);
    if (server) {
      server.unref();
      return {
        block,
        claimed: true,
        release: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    }
  }
  return none;
}

function listenOn(host: string, port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', () => resolve(null));
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}
