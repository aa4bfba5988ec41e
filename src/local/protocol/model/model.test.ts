/** The model-driven protocol layer: query input read by shape, output written by shape, styles of errors. */
import { describe, expect, it } from 'vitest';
import { AwsError } from '../errors';
import { paramTree, readQuery } from './query-reader';
import type { ServiceModel } from './types';
import { checkInput } from './validate';
import { coralValidation, ec2Validation, ecsValidation } from './validation-styles';
import { writeXmlResponse } from './xml-writer';

const query: ServiceModel = {
  metadata: {
    id: 't',
    protocol: 'query',
    apiVersion: '2020-01-01',
    signingName: 't',
    xmlNamespace: 'urn:t/',
  },
  operations: {
    Put: { input: 'PutInput', output: 'PutOutput', resultWrapper: 'PutResult' },
    Nothing: { input: 'NothingInput' },
  },
  shapes: {
    PutInput: {
      type: 'structure',
      members: {
        Name: { shape: 'Name' },
        Count: { shape: 'Count' },
        Enabled: { shape: 'Bool' },
        When: { shape: 'Time' },
        Tags: { shape: 'Tags' },
        Ids: { shape: 'Ids', wire: 'Id' },
        Attributes: { shape: 'Attributes' },
        Kind: { shape: 'Kind' },
      },
      required: ['Name'],
    },
    NothingInput: { type: 'structure', members: {} },
    PutOutput: {
      type: 'structure',
      members: {
        Items: { shape: 'Items', xml: 'itemSet' },
        Flat: { shape: 'FlatList', xml: 'Entry' },
        Created: { shape: 'Time' },
        Attributes: { shape: 'Attributes' },
        Note: { shape: 'Name' },
      },
    },
    Items: { type: 'list', member: 'Item', memberName: 'item' },
    Item: { type: 'structure', members: { Id: { shape: 'Name', xml: 'itemId' }, Count: { shape: 'Count' } } },
    FlatList: { type: 'list', member: 'Name', flattened: true },
    Name: { type: 'string', min: 1, max: 8 },
    Kind: { type: 'string', enum: ['a', 'b'] },
    Count: { type: 'integer', min: 0, max: 10 },
    Bool: { type: 'boolean' },
    Time: { type: 'timestamp' },
    Tags: { type: 'list', member: 'Tag', min: 1 },
    Tag: {
      type: 'structure',
      members: { Key: { shape: 'Name' }, Value: { shape: 'Name' } },
      required: ['Key'],
    },
    Ids: { type: 'list', member: 'Name' },
    Attributes: { type: 'map', key: 'Name', value: 'Name' },
  },
};
const ec2: ServiceModel = { ...query, metadata: { ...query.metadata, protocol: 'ec2' } };

const read = (model: ServiceModel, pairs: [string, string][]) =>
  readQuery(model, model.metadata.protocol, 'Put', paramTree(pairs));

function errorOf(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AwsError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('query input read by its shape', () => {
  it('types scalars and builds lists, structures and maps under the member names', () => {
    const { input, violations } = read(query, [
      ['Action', 'Put'],
      ['Version', '2020-01-01'],
      ['Name', 'n'],
      ['Count', '3'],
      ['Enabled', 'TRUE'],
      ['When', '2026-01-02T03:04:05.500Z'],
      ['Tags.member.2.Key', 'k2'],
      ['Tags.member.1.Key', 'k1'],
      ['Tags.member.1.Value', 'v1'],
      ['Id.member.1', 'x'],
      ['Attributes.entry.1.key', '__proto__'],
      ['Attributes.entry.1.value', 'p'],
      ['Unknown.member.1', 'ignored'],
      ['constructor', 'ignored'],
    ]);
    expect(violations).toEqual([]);
    expect(input).toEqual({
      Name: 'n',
      Count: 3,
      Enabled: true,
      When: Date.UTC(2026, 0, 2, 3, 4, 5, 500) / 1000,
      Tags: [{ Key: 'k1', Value: 'v1' }, { Key: 'k2' }],
      Ids: ['x'],
      Attributes: JSON.parse('{"__proto__":"p"}'),
    });
    expect(Object.getPrototypeOf(input)).toBeNull(); // prototype-free: no inherited name answers
    expect(Object.hasOwn(input, 'constructor')).toBe(false);
  });

  it('reads ec2 lists without `member` and an empty awsQuery list as []', () => {
    expect(
      read(ec2, [
        ['Id.1', 'a'],
        ['Id.2', 'b'],
        ['Tags.1.Key', 'k'],
      ]).input,
    ).toEqual({
      Ids: ['a', 'b'],
      Tags: [{ Key: 'k' }],
    });
    expect(read(query, [['Id', '']]).input).toEqual({ Ids: [] });
  });

  it('ignores keys deeper than any shape and absurd list positions', () => {
    const deep = ['Tags', 'member', '1', ...Array.from({ length: 40 }, () => 'x')].join('.');
    expect(
      read(query, [
        [deep, 'v'],
        ['Id.member.9999999', 'x'],
      ]).input,
    ).toEqual({ Ids: [] });
  });

  it('reports values that do not parse as their type', () => {
    const { violations } = read(query, [
      ['Count', 'ten'],
      ['Enabled', 'yes'],
      ['When', 'soon'],
    ]);
    expect(violations.map((v) => v.kind === 'type' && v.expected)).toEqual([
      'integer',
      'boolean',
      'timestamp',
    ]);
    expect(coralValidation('ValidationError')(violations).message).toBe(
      "3 validation errors detected: Value 'ten' at 'count' failed to satisfy constraint: Member must be an integer; " +
        "Value 'yes' at 'enabled' failed to satisfy constraint: Member must be true or false; " +
        "Value 'soon' at 'when' failed to satisfy constraint: Member must be an ISO 8601 timestamp",
    );
  });
});

describe('constraints, in each service style', () => {
  const input = { Count: 11, Kind: 'c', Tags: [{ Value: 'toolongvalue' }] };
  it('Coral: every violation, lower-camel paths, lists as N.member', () => {
    const e = errorOf(() => checkInput(query, 'Put', input, coralValidation('ValidationError')));
    expect(e.code).toBe('ValidationError');
    expect(e.message).toBe(
      '5 validation errors detected: ' +
        "Value '11' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10; " +
        "Value 'toolongvalue' at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 8; " +
        "Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null; " +
        "Value 'c' at 'kind' failed to satisfy constraint: Member must satisfy enum value set: [a, b]; " +
        "Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  });
  it('ECS: the first violation in its words', () => {
    const e = errorOf(() => checkInput(query, 'Put', { Name: 'n', Kind: 'c' }, ecsValidation));
    expect([e.code, e.message]).toEqual([
      'InvalidParameterException',
      "Invalid value 'c' for Kind. Valid values: a, b.",
    ]);
  });
  it('EC2: MissingParameter with the request key, InvalidParameterValue otherwise', () => {
    expect(errorOf(() => checkInput(ec2, 'Put', {}, ec2Validation)).message).toBe(
      'The request must contain the parameter Name',
    );
    const e = errorOf(() => checkInput(ec2, 'Put', { Name: 'n', Count: -1 }, ec2Validation));
    expect([e.code, e.message]).toEqual([
      'InvalidParameterValue',
      'Value (-1) for parameter count is invalid. Expecting a value greater than or equal to 0.',
    ]);
  });
  it('a wrong JSON type is a SerializationException; coerce converts template-style scalars', () => {
    expect(errorOf(() => checkInput(query, 'Put', { Name: 'n', Count: '3' }, ecsValidation)).code).toBe(
      'SerializationException',
    );
    expect(
      checkInput(query, 'Put', { Name: 7, Count: '3', Enabled: 'false' }, ecsValidation, { coerce: true }),
    ).toEqual({ Name: '7', Count: 3, Enabled: false });
  });
  it('in-process callers with an unknown member have a bug, not a bad request', () => {
    expect(() =>
      checkInput(query, 'Put', { Name: 'n', Nmae: 'x' }, ecsValidation, { strictMembers: true }),
    ).toThrow(/no member Nmae/);
  });
});

describe('query/ec2 output written by its shape', () => {
  const output = {
    Items: [{ Id: 'a<b', Count: 1 }, { Id: 'c' }],
    Flat: ['x', 'y'],
    Created: 1767225600.25,
    Attributes: { k: 'v' },
    Surprise: 'not rendered',
  };
  it('awsQuery: result wrapper, model element names, list members, flattened lists, maps, ISO timestamps', () => {
    expect(writeXmlResponse(query, 'query', 'Put', output, 'rid')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<PutResponse xmlns="urn:t/"><PutResult>' +
        '<itemSet><item><itemId>a&lt;b</itemId><Count>1</Count></item><item><itemId>c</itemId></item></itemSet>' +
        '<Entry>x</Entry><Entry>y</Entry><Created>2026-01-01T00:00:00.250Z</Created>' +
        '<Attributes><entry><key>k</key><value>v</value></entry></Attributes>' +
        '</PutResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></PutResponse>',
    );
  });
  it('ec2: requestId first, no wrapper; an action without output has an empty body', () => {
    expect(writeXmlResponse(ec2, 'ec2', 'Put', { Note: 'n' }, 'rid')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<PutResponse xmlns="urn:t/"><requestId>rid</requestId><Note>n</Note></PutResponse>',
    );
    expect(writeXmlResponse(query, 'query', 'Nothing', {}, 'rid')).toContain(
      '<NothingResponse xmlns="urn:t/"><ResponseMetadata>',
    );
  });
});
