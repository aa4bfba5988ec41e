import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { reportRetries } from '../aws/throttle';
import { ThrottleNotice, ThrottleNoticeView } from './throttle-notice';

/** The text a reader sees (tags dropped, entities decoded). */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

describe('ThrottleNotice', () => {
  it('is an empty live region until a throttled call is reported, then names the call and the retries', () => {
    const before = renderToStaticMarkup(<ThrottleNotice />);
    expect(before).toBe('<div role="status" class="fixed right-4 bottom-4 z-30 max-w-sm"></div>');
    reportRetries('DescribeTasks', 3);
    const after = renderToStaticMarkup(<ThrottleNotice />);
    // Inside the status region, so a screen reader announces it.
    expect(after).toMatch(/^<div role="status"[^>]*><p [^>]*data-testid="throttle-notice"/);
    expect(text(after)).toBe(
      'AWS throttled DescribeTasks; the console server retried 3 times. Pages may refresh more slowly. Dismiss',
    );
  });

  it('says "time" for one retry, and shows nothing once dismissed', () => {
    const once = renderToStaticMarkup(
      <ThrottleNoticeView report={{ action: 'ListServices', retries: 1, at: 0 }} onDismiss={() => {}} />,
    );
    expect(text(once)).toBe(
      'AWS throttled ListServices; the console server retried 1 time. Pages may refresh more slowly. Dismiss',
    );
    expect(once).toContain('<button type="button" class="underline">Dismiss</button>');
    expect(text(renderToStaticMarkup(<ThrottleNoticeView report={null} onDismiss={() => {}} />))).toBe('');
  });
});
