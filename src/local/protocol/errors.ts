/**
 * A typed AWS service error. Providers throw these; each protocol serializer renders them in
 * its own wire shape. `status` is the HTTP status AWS uses for the code (400 for client faults).
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly sender: boolean;

  constructor(code: string, message: string, status = 400, sender = status < 500) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = status;
    this.sender = sender;
  }
}

export const isAwsError = (e: unknown): e is AwsError => e instanceof AwsError;

/** Errors shared by every protocol, before a provider is reached. */
export const commonErrors = {
  unknownOperation: (action: string, status = 400) =>
    new AwsError('UnknownOperationException', `Unknown operation ${action}`, status),
  invalidAction: (action: string) =>
    new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`, 400),
  serialization: (message: string) => new AwsError('SerializationException', message, 400),
  missingAuth: () =>
    new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  incompleteSignature: (message: string) => new AwsError('IncompleteSignature', message, 403),
  /**
   * A SigV4 credential scope naming no AWS region: AWS answers that the signature is scoped wrongly
   * (awsJson: InvalidSignatureException; awsQuery and ec2Query: SignatureDoesNotMatch), 403.
   */
  invalidRegion: (region: string, protocol: 'json' | 'query') =>
    new AwsError(
      protocol === 'json' ? 'InvalidSignatureException' : 'SignatureDoesNotMatch',
      `Credential should be scoped to a valid region, not '${region}'.`,
      403,
    ),
};
