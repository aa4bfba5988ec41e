/**
 * A served service's model, as `generate.py` writes it from botocore into each service's
 * `shapes.gen.ts`: the protocol metadata, the served operations and every shape their input and
 * output reach. The endpoint validates and normalises input from it (validate.ts), reads query
 * parameters by it (query-reader.ts) and renders query/ec2 responses by it (xml-writer.ts).
 */

export type Protocol = 'json' | 'query' | 'ec2' | 'smithy-rpc-v2-cbor';
export type TimestampFormat = 'iso8601' | 'unixTimestamp' | 'rfc822';

export interface ServiceMetadata {
  /** The id the local plane registers the service under (`elasticloadbalancingv2` for ELB v2). */
  id: string;
  protocol: Protocol;
  apiVersion: string;
  /** SigV4 signing name: the service part of the credential scope. */
  signingName: string;
  /** awsJson: `X-Amz-Target` prefix. */
  targetPrefix?: string;
  jsonVersion?: string;
  /** query/ec2: the namespace of the response document. */
  xmlNamespace?: string;
  /** Every protocol the service speaks, when more than one (CloudWatch: rpc-v2-cbor, json, query). */
  protocols?: Protocol[];
  /**
   * awsQueryCompatible services (CloudWatch): the error shape of each query error code, named by the
   * json and cbor protocols' `__type` (the code itself goes in the `x-amzn-query-error` header).
   */
  errorShapes?: Record<string, string>;
}

export interface Operation {
  input?: string;
  output?: string;
  /** awsQuery: the element that wraps the output (`<CreateStackResult>`). */
  resultWrapper?: string;
}

export interface Member {
  shape: string;
  /** query/ec2 request key when it differs from the member name (locationName, queryName). */
  wire?: string;
  /** query/ec2 response element name when it differs from the member name. */
  xml?: string;
  flattened?: true;
  timestampFormat?: TimestampFormat;
}

interface Bounds {
  min?: number;
  max?: number;
}

export type Shape =
  | { type: 'structure'; members: Record<string, Member>; required?: string[] }
  | ({ type: 'list'; member: string; memberName?: string; flattened?: true } & Bounds)
  | ({
      type: 'map';
      key: string;
      value: string;
      keyName?: string;
      valueName?: string;
      flattened?: true;
    } & Bounds)
  | ({ type: 'string'; enum?: string[] } & Bounds)
  | ({ type: 'integer' | 'long' | 'double' | 'float' } & Bounds)
  | { type: 'boolean' }
  | { type: 'timestamp'; timestampFormat?: TimestampFormat }
  | ({ type: 'blob' } & Bounds);

export interface ServiceModel {
  metadata: ServiceMetadata;
  operations: Record<string, Operation>;
  shapes: Record<string, Shape>;
}
