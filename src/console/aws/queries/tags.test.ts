import { describe, expect, it } from 'vitest';
import { tagChange } from './tags';

describe('tagChange', () => {
  it('tags what is new or changed and untags what was removed', () => {
    expect(
      tagChange(
        'arn:x',
        [
          { key: 'team', value: 'a' },
          { key: 'old', value: '1' },
          { key: 'same', value: 's' },
        ],
        [
          { key: 'team', value: 'b' },
          { key: 'same', value: 's' },
          { key: 'new', value: '' },
        ],
      ),
    ).toEqual({
      tagResource: {
        resourceArn: 'arn:x',
        tags: [
          { key: 'team', value: 'b' },
          { key: 'new', value: '' },
        ],
      },
      untagResource: { resourceArn: 'arn:x', tagKeys: ['old'] },
    });
    expect(tagChange('arn:x', [{ key: 'a', value: '1' }], [{ key: 'a', value: '1' }])).toEqual({});
  });
});
