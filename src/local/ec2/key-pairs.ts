/** CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair. */
import { createHash, generateKeyPairSync } from 'node:crypto';
import type * as ec2 from '@aws-sdk/client-ec2';
import { ec2Id } from '../common/ids';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import { ec2Errors, seconds, type Scope } from './common';
import type { KeyPairRecord } from './model';

const colonHex = (buf: Buffer): string => buf.toString('hex').replace(/(..)(?!$)/g, '$1:');

function checkKeyName(s: Scope, name: string): string {
  if (name.length > 255) throw ec2Errors.invalid('Key name is limited to 255 characters');
  if (s.list('key').some((k) => k.keyName === name)) {
    throw new AwsError('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`, 400);
  }
  return name;
}

/** Stores a new key pair (its name checked again inside the transaction). */
function saveKey(s: Scope, record: KeyPairRecord, specs: Wire<ec2.TagSpecification>[] | undefined) {
  s.deps.db.tx(() => {
    checkKeyName(s, record.keyName);
    s.create(record, specs, 'key-pair');
  });
  return {
    KeyPairId: record.id,
    KeyName: record.keyName,
    KeyFingerprint: record.fingerprint,
    Tags: s.tagList(record.id),
  };
}

export function createKeyPair(s: Scope, input: Wire<ec2.CreateKeyPairRequest>): Wire<ec2.KeyPair> {
  const keyType = input.KeyType ?? 'rsa';
  if (keyType !== 'rsa' && keyType !== 'ed25519') {
    throw ec2Errors.invalid(`Value (${keyType}) for parameter keyType is invalid.`);
  }
  const keyName = checkKeyName(s, input.KeyName as string);
  const pair =
    keyType === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const privateDer = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
  const material =
    keyType === 'rsa'
      ? (pair.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)
      : (pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const record: KeyPairRecord = {
    kind: 'key',
    id: ec2Id('key'),
    region: s.region,
    keyName,
    keyType,
    fingerprint:
      keyType === 'rsa'
        ? colonHex(createHash('sha1').update(privateDer).digest())
        : createHash('sha256').update(privateDer).digest('base64').replace(/=+$/, ''),
    createTime: s.now(),
  };
  return { ...saveKey(s, record, input.TagSpecifications), KeyMaterial: material.trim() };
}

export function importKeyPair(
  s: Scope,
  input: Wire<ec2.ImportKeyPairRequest>,
): Wire<ec2.ImportKeyPairResult> {
  // A blob: base64 on the wire, as the handler receives it.
  const material = input.PublicKeyMaterial as unknown as string;
  const text = Buffer.from(material, 'base64').toString('utf8').trim();
  const m = /^(ssh-rsa|ssh-ed25519) ([A-Za-z0-9+/]+={0,2})(\s.*)?$/.exec(text);
  if (!m) {
    // AWS: "An error occurred (InvalidKey.Format) ... Key is not in valid OpenSSH public key format".
    throw new AwsError('InvalidKey.Format', 'Key is not in valid OpenSSH public key format', 400);
  }
  const record: KeyPairRecord = {
    kind: 'key',
    id: ec2Id('key'),
    region: s.region,
    keyName: checkKeyName(s, input.KeyName as string),
    keyType: m[1] === 'ssh-rsa' ? 'rsa' : 'ed25519',
    fingerprint: colonHex(
      createHash('md5')
        .update(Buffer.from(m[2] as string, 'base64'))
        .digest(),
    ),
    publicKey: text,
    createTime: s.now(),
  };
  return saveKey(s, record, input.TagSpecifications);
}

export function describeKeyPairs(
  s: Scope,
  input: Wire<ec2.DescribeKeyPairsRequest>,
): Wire<ec2.DescribeKeyPairsResult> {
  let keys = s.list('key');
  const names = input.KeyNames ?? [];
  const ids = input.KeyPairIds ?? [];
  const missing =
    names.find((n) => !keys.some((k) => k.keyName === n)) ?? ids.find((id) => !keys.some((k) => k.id === id));
  if (missing !== undefined) {
    throw ec2Errors.notFound('InvalidKeyPair.NotFound', `The key pair '${missing}' does not exist`);
  }
  if (names.length) keys = keys.filter((k) => names.includes(k.keyName));
  if (ids.length) keys = keys.filter((k) => ids.includes(k.id));
  keys = s.filter(
    keys,
    input.Filters,
    (k) => k.id,
    (k) => ({
      'key-name': k.keyName,
      'key-pair-id': k.id,
      fingerprint: k.fingerprint,
      'key-type': k.keyType,
    }),
  );
  const includePublic = input.IncludePublicKey === true;
  return {
    KeyPairs: keys.map((k) => ({
      KeyPairId: k.id,
      KeyName: k.keyName,
      KeyFingerprint: k.fingerprint,
      KeyType: k.keyType as ec2.KeyType,
      CreateTime: seconds(k.createTime),
      PublicKey: includePublic ? k.publicKey : undefined,
      Tags: s.tagList(k.id),
    })),
  };
}

export function deleteKeyPair(
  s: Scope,
  input: Wire<ec2.DeleteKeyPairRequest>,
): Wire<ec2.DeleteKeyPairResult> {
  const { KeyName: name, KeyPairId: id } = input;
  if (!name && !id) throw ec2Errors.missing('KeyName');
  // Like EC2, deleting a key pair that does not exist succeeds.
  const deleted = s.deps.db.tx(() => {
    const key = s.list('key').find((k) => (id ? k.id === id : k.keyName === name));
    if (!key) return undefined;
    s.remove(key.id);
    return key;
  });
  return { Return: true, KeyPairId: deleted?.id };
}
