import { describe, expect, it } from 'vitest';
import { offsetPage } from './offset-page';

const invalid = (t: string) => new Error(`bad ${t}`);
const items = Array.from({ length: 12 }, (_, i) => i);

describe('offsetPage', () => {
  it('walks every item once, in order, a page at a time', () => {
    const seen: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { page, next } = offsetPage(items, 5, token, 'DescribeSubnets', invalid);
      seen.push(...page);
      token = next;
      pages++;
    } while (token);
    expect(seen).toEqual(items);
    expect(pages).toBe(3);
  });

  it('returns everything without a size, and no token after the last page', () => {
    expect(offsetPage(items, undefined, undefined, 'x', invalid)).toEqual({ page: items });
    expect(offsetPage(items, 12, undefined, 'x', invalid)).toEqual({ page: items });
  });

  it('refuses a token of another call, a made-up one and one past the end', () => {
    const { next } = offsetPage(items, 5, undefined, 'DescribeSubnets', invalid);
    expect(() => offsetPage(items, 5, next, 'DescribeVpcs', invalid)).toThrow('bad');
    expect(() => offsetPage(items, 5, '5', 'DescribeSubnets', invalid)).toThrow('bad');
    expect(() => offsetPage(items, 5, 'x'.repeat(600), 'DescribeSubnets', invalid)).toThrow('bad');
    const past = Buffer.from(JSON.stringify(['DescribeSubnets', 99])).toString('base64url');
    expect(() => offsetPage(items, 5, past, 'DescribeSubnets', invalid)).toThrow('bad');
  });
});
