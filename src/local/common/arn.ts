/** ARN helpers. `arn:aws:<service>:<region>:<account>:<resource>` */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

export const arn = (service: string, region: string, accountId: string, resource: string): string =>
  `arn:aws:${service}:${region}:${accountId}:${resource}`;

export function parseArn(value: string): ParsedArn | null {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  return {
    partition: parts[1] as string,
    service: parts[2] as string,
    region: parts[3] as string,
    accountId: parts[4] as string,
    resource: parts.slice(5).join(':'),
  };
}

export const isArn = (value: string): boolean => value.startsWith('arn:');
