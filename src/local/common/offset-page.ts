/**
 * Offset paging for the query services' Describe* calls (EC2 `MaxResults`/`NextToken`, ELB
 * `PageSize`/`Marker`): the token is opaque to callers (base64url of the offset and the call it
 * belongs to), so a token from another call, or one made up, is refused rather than misread.
 */

export interface OffsetPage<T> {
  page: T[];
  next?: string;
}

const encode = (offset: number, call: string) =>
  Buffer.from(JSON.stringify([call, offset])).toString('base64url');

/** The offset a token names, or undefined when it is not one of ours for this call. */
function decode(token: string, call: string, length: number): number | undefined {
  if (token.length > 512) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== call) return undefined;
    const offset: unknown = parsed[1];
    return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 && offset <= length
      ? offset
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One page of `items` from `token` (undefined: the first), at most `size` (undefined: every item left).
 * `invalid` builds the service's error for a token that is not one of ours.
 */
export function offsetPage<T>(
  items: T[],
  size: number | undefined,
  token: string | undefined,
  call: string,
  invalid: (token: string) => Error,
): OffsetPage<T> {
  const start = token === undefined ? 0 : decode(token, call, items.length);
  if (start === undefined) throw invalid(token ?? '');
  const end = size === undefined ? items.length : start + size;
  const page = items.slice(start, end);
  return end < items.length ? { page, next: encode(end, call) } : { page };
}
