/** XML rendering for awsQuery and ec2Query responses and errors. */
import type { WireProtocol } from './types';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  );
}

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

/** Renders a response object: arrays become <member> (query) or <item> (ec2) lists. */
export function toXml(value: unknown, protocol: WireProtocol): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    const tag = protocol === 'ec2' ? 'item' : 'member';
    return value.map((v) => `<${tag}>${toXml(v, protocol)}</${tag}>`).join('');
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    let out = '';
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || v === null) continue;
      out += `<${k}>${toXml(v, protocol)}</${k}>`;
    }
    return out;
  }
  return scalar(value);
}

export function queryResponse(action: string, xmlns: string, result: unknown, requestId: string): string {
  const body =
    result === undefined || result === null
      ? ''
      : `<${action}Result>${toXml(result, 'query')}</${action}Result>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function ec2Response(action: string, xmlns: string, result: unknown, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}">` +
    `<requestId>${requestId}</requestId>${toXml(result, 'ec2')}</${action}Response>`
  );
}

export function queryError(
  xmlns: string,
  code: string,
  message: string,
  sender: boolean,
  requestId: string,
): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${xmlns}"><Error><Type>${sender ? 'Sender' : 'Receiver'}</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

export function ec2Error(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
  );
}
