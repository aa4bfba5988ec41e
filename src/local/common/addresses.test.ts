import { afterEach, describe, expect, it } from 'vitest';
import { ADDRESSES_PER_BLOCK, claimAddressBlock, poolAddress, type AddressBlockClaim } from './addresses';

describe('address plan', () => {
  it('gives each pool and each block its own addresses', () => {
    expect(poolAddress('ec2', 1, true)).toBe('127.1.0.1');
    expect(poolAddress('ec2', 254, true)).toBe('127.1.0.254');
    expect(poolAddress('ec2', 255, true)).toBe('127.1.1.1');
    expect(poolAddress('load-balancer', 1, true, '127.0.0.1', 1)).toBe('127.3.16.1');
    expect(poolAddress('container-instance', ADDRESSES_PER_BLOCK, true, '127.0.0.1', 15)).toBe(
      '127.2.255.254',
    );
    expect(poolAddress('ec2', 7, false, '127.0.0.9', 3)).toBe('127.0.0.9');
    const seen = new Set<string>();
    for (let block = 0; block < 16; block++)
      for (const n of [1, 254, 255, ADDRESSES_PER_BLOCK]) seen.add(poolAddress('ec2', n, true, '', block));
    expect(seen.size).toBe(16 * 4);
  });

  const claims: AddressBlockClaim[] = [];
  afterEach(async () => {
    for (const c of claims.splice(0)) await c.release();
  });

  it.runIf(process.platform === 'linux')('never gives one block to two planes at once', async () => {
    const a = await claimAddressBlock(5, true);
    claims.push(a);
    const b = await claimAddressBlock(5, true);
    claims.push(b);
    expect(a).toMatchObject({ block: 5, claimed: true });
    expect(b.claimed).toBe(true);
    expect(b.block).not.toBe(5);
    await a.release();
    const c = await claimAddressBlock(5, true);
    claims.push(c);
    expect(c).toMatchObject({ block: 5, claimed: true });
  });
});
