import { describe, expect, it } from 'vitest';
import { cidrContains, cidrOverlaps, parseCidr, wildcardMatch, zoneId } from './common';

describe('CIDR helpers', () => {
  it('parses and compares IPv4 blocks', () => {
    expect(parseCidr('10.0.0.0/16')).toEqual([167772160, 16]);
    expect(parseCidr('10.0.0.300/16')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
    const vpc = parseCidr('10.0.0.0/16') as [number, number];
    expect(cidrContains(vpc, parseCidr('10.0.1.0/24') as [number, number])).toBe(true);
    expect(cidrContains(vpc, parseCidr('10.1.0.0/24') as [number, number])).toBe(false);
    expect(
      cidrOverlaps(
        parseCidr('10.0.0.0/24') as [number, number],
        parseCidr('10.0.0.128/25') as [number, number],
      ),
    ).toBe(true);
  });
});

describe('EC2 filter values and zone ids', () => {
  it('matches * and ? wildcards literally otherwise', () => {
    expect(wildcardMatch('amzn2-ami-ecs-hvm-*', 'amzn2-ami-ecs-hvm-2.0.1-x86_64-ebs')).toBe(true);
    expect(wildcardMatch('web?', 'web1')).toBe(true);
    expect(wildcardMatch('a.b', 'axb')).toBe(false);
    expect(wildcardMatch('*', '')).toBe(true);
    expect(wildcardMatch('a*b*c', 'aXXbYYc')).toBe(true);
    expect(wildcardMatch('a*b*c', 'aXXbYY')).toBe(false);
    // A pattern that makes a backtracking regular expression take exponential time answers at once.
    expect(wildcardMatch(`${'*a'.repeat(30)}b`, 'a'.repeat(5000))).toBe(false);
  });
  it('derives AWS-shaped zone ids', () => {
    expect(zoneId('us-east-1a')).toBe('use1-az1');
    expect(zoneId('eu-west-2c')).toBe('euw2-az3');
  });
});
