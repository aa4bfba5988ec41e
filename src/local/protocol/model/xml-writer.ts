/**
 * The XML documents of awsQuery / ec2Query: error documents, and responses rendered by the
 * operation's output shape: element names come from
 * the model (`xml`: locationName), list items are wrapped in the list's member name (`member`, ec2's
 * `item`) or repeated when flattened, maps as `entry`/`key`/`value`, timestamps in the model's
 * format (ISO 8601 by default). Handlers return the output under the model's member names (as the
 * SDK types name them), with timestamps as epoch seconds; members the model does not have are not
 * rendered.
 */
import type { Member, Protocol, ServiceModel, Shape, TimestampFormat } from './types';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  );
}

function timestamp(value: unknown, format: TimestampFormat | undefined): string {
  const seconds =
    typeof value === 'number'
      ? value
      : value instanceof Date
        ? value.getTime() / 1000
        : typeof value === 'string'
          ? Date.parse(value) / 1000
          : NaN;
  if (!Number.isFinite(seconds)) return escapeXml(String(value));
  if (format === 'unixTimestamp') return String(seconds);
  const date = new Date(Math.round(seconds * 1000));
  return format === 'rfc822' ? date.toUTCString() : date.toISOString();
}

class Writer {
  constructor(private readonly model: ServiceModel) {}

  /** The content of an element of shape `shapeName` (without the element itself). */
  content(value: unknown, shapeName: string, member: Member | undefined): string {
    const shape = this.model.shapes[shapeName] as Shape | undefined;
    if (!shape) throw new Error(`${this.model.metadata.id} model has no shape ${shapeName}`);
    switch (shape.type) {
      case 'structure': {
        if (typeof value !== 'object' || value === null) return '';
        return this.members(value as Record<string, unknown>, shape);
      }
      case 'list': {
        if (!Array.isArray(value)) return '';
        const tag = shape.memberName ?? 'member';
        let out = '';
        for (const item of value) {
          if (item === undefined || item === null) continue;
          out += `<${tag}>${this.content(item, shape.member, undefined)}</${tag}>`;
        }
        return out;
      }
      case 'map': {
        if (typeof value !== 'object' || value === null) return '';
        return this.entries(value as Record<string, unknown>, shape, 'entry');
      }
      case 'timestamp':
        return timestamp(value, member?.timestampFormat ?? shape.timestampFormat);
      default:
        return escapeXml(String(value));
    }
  }

  private entries(
    value: Record<string, unknown>,
    shape: Extract<Shape, { type: 'map' }>,
    tag: string,
  ): string {
    const k = shape.keyName ?? 'key';
    const v = shape.valueName ?? 'value';
    let out = '';
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || item === null) continue;
      out += `<${tag}><${k}>${escapeXml(key)}</${k}><${v}>${this.content(item, shape.value, undefined)}</${v}></${tag}>`;
    }
    return out;
  }

  members(value: Record<string, unknown>, shape: Extract<Shape, { type: 'structure' }>): string {
    let out = '';
    for (const [name, member] of Object.entries(shape.members)) {
      if (!Object.hasOwn(value, name)) continue;
      const v = value[name];
      if (v === undefined || v === null) continue;
      const tag = member.xml ?? name;
      const target = this.model.shapes[member.shape];
      if (target?.type === 'list' && (target.flattened || member.flattened) && Array.isArray(v)) {
        for (const item of v) {
          if (item !== undefined && item !== null)
            out += `<${tag}>${this.content(item, target.member, undefined)}</${tag}>`;
        }
      } else if (target?.type === 'map' && (target.flattened || member.flattened)) {
        out += this.entries(v as Record<string, unknown>, target, tag);
      } else {
        out += `<${tag}>${this.content(v, member.shape, member)}</${tag}>`;
      }
    }
    return out;
  }
}

/** The response document of a successful query/ec2 action. */
export function writeXmlResponse(
  model: ServiceModel,
  protocol: Protocol,
  action: string,
  output: unknown,
  requestId: string,
): string {
  const op = Object.hasOwn(model.operations, action) ? model.operations[action] : undefined;
  const xmlns = model.metadata.xmlNamespace ?? '';
  const shape = op?.output ? model.shapes[op.output] : undefined;
  const writer = new Writer(model);
  const body =
    shape?.type === 'structure' && output && typeof output === 'object'
      ? writer.members(output as Record<string, unknown>, shape)
      : '';
  if (protocol === 'ec2') {
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}">` +
      `<requestId>${requestId}</requestId>${body}</${action}Response>`
    );
  }
  const wrapper = op?.resultWrapper;
  const result = wrapper ? `<${wrapper}>${body}</${wrapper}>` : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}">${result}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
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
