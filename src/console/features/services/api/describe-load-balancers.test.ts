import { describe, expect, it } from 'vitest';
import { listenerUrl } from './describe-load-balancers';

const tg = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/1';
const other = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/api/2';
const forward = (arn: string) => [{ Type: 'forward' as const, TargetGroupArn: arn }];

describe('listenerUrl', () => {
  it("links to the port of the listener that forwards to the service's target group", () => {
    const listeners = [
      { Port: 80, Protocol: 'HTTP' as const, DefaultActions: forward(other) },
      { Port: 8081, Protocol: 'HTTP' as const, DefaultActions: forward(tg) },
    ];
    expect(listenerUrl('127.3.0.1', listeners, tg)).toBe('http://127.3.0.1:8081/');
  });
  it('finds the target group in a weighted forward config too', () => {
    const listeners = [
      {
        Port: 8443,
        Protocol: 'HTTPS' as const,
        DefaultActions: [
          { Type: 'forward' as const, ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg }] } },
        ],
      },
    ];
    expect(listenerUrl('lb.example', listeners, tg)).toBe('https://lb.example:8443/');
  });
  it("leaves out the protocol's default port, and falls back to the lowest listener", () => {
    expect(
      listenerUrl(
        'lb.example',
        [
          { Port: 443, Protocol: 'HTTPS' },
          { Port: 80, Protocol: 'HTTP' },
        ],
        tg,
      ),
    ).toBe('http://lb.example/');
  });
  it('has no URL without listeners', () => {
    expect(listenerUrl('lb.example', [], tg)).toBeUndefined();
  });
});
