/**
 * Loopback address plan. On Linux all of 127.0.0.0/8 reaches the loopback interface, so every
 * simulated host gets its own address and its ports never collide with another's:
 *   127.1.x.y  EC2 instances (their private and public IP)
 *   127.2.x.y  container instances registered through the API with no EC2 instance behind them
 *   127.3.x.y  load balancers
 * Where per-host addresses are not available, everything uses the fallback address.
 */
export type AddressPool = 'ec2' | 'container-instance' | 'load-balancer';

const SECOND_OCTET: Record<AddressPool, number> = { ec2: 1, 'container-instance': 2, 'load-balancer': 3 };

/** The n-th address (n >= 1) of a pool: 127.P.(n / 254).(n % 254 + 1). */
export function poolAddress(pool: AddressPool, n: number, perHost: boolean, fallback = '127.0.0.1'): string {
  if (!perHost) return fallback;
  const index = n - 1;
  const third = Math.floor(index / 254) % 256;
  const fourth = (index % 254) + 1;
  return `127.${SECOND_OCTET[pool]}.${third}.${fourth}`;
}
