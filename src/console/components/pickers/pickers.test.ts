import { describe, expect, it } from 'vitest';
import { idsOf } from './id-checklist';
import { containerPorts } from './target-group-field';

describe('idsOf', () => {
  it('splits a comma-separated field into ids, trimmed, each once, blanks dropped', () => {
    expect(idsOf(' subnet-a, subnet-b,,subnet-a ,')).toEqual(['subnet-a', 'subnet-b']);
    expect(idsOf('')).toEqual([]);
    expect(idsOf(undefined)).toEqual([]);
    expect(idsOf(3)).toEqual([]);
  });
});

describe('containerPorts', () => {
  it("lists each container's TCP container ports, not UDP ones", () => {
    expect(
      containerPorts({
        containerDefinitions: [
          {
            name: 'web',
            portMappings: [
              { containerPort: 80, protocol: 'tcp' },
              { containerPort: 53, protocol: 'udp' },
              { containerPort: 8080 },
            ],
          },
          { name: 'sidecar' },
          { name: 'metrics', portMappings: [{ hostPort: 9000 }, { containerPort: 9100 }] },
        ],
      }),
    ).toEqual([
      { container: 'web', port: 80 },
      { container: 'web', port: 8080 },
      { container: 'metrics', port: 9100 },
    ]);
    expect(containerPorts(undefined)).toEqual([]);
  });
});
