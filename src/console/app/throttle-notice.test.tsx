import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ThrottleNotice } from './throttle-notice';

describe('ThrottleNotice', () => {
  it('is an empty status region until a throttled call is reported', () => {
    const html = renderToStaticMarkup(<ThrottleNotice />);
    expect(html).toContain('role="status"');
    expect(html).not.toContain('throttled');
  });
});
