import { afterEach, describe, expect, it, vi } from 'vitest';
import { startBackendInfo, takeEarlyBackendInfo } from './backend-info';
import {
  fetchBackendInfo,
  parseBackendInfo,
  pathAfterRegionSwitch,
  regionOf,
  withRegion,
  type BackendInfo,
} from './backend';

const answer = (status: number, body: unknown) =>
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify(body), { status }));

describe('fetchBackendInfo', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the backend document', async () => {
    answer(200, { mode: 'local', region: 'us-east-1', regions: ['us-east-1'], version: '0.1.0' });
    await expect(fetchBackendInfo()).resolves.toMatchObject({ mode: 'local', region: 'us-east-1' });
  });

  it('tells the user to open the printed URL with ?token= when the server wants its token', async () => {
    answer(401, { message: 'Unauthorized' });
    await expect(fetchBackendInfo()).rejects.toThrow(
      'Open the URL with ?token=... that "ecs-console serve" printed',
    );
  });

  it('names any other HTTP status', async () => {
    answer(503, {});
    await expect(fetchBackendInfo()).rejects.toThrow('GET /api/info answered HTTP 503.');
  });
});

describe('parseBackendInfo', () => {
  const good = { mode: 'local', region: 'us-east-1', regions: ['us-east-1'], version: '0.1.0' };

  it('keeps the known members, runtime included', () => {
    expect(
      parseBackendInfo({ ...good, runtime: { kind: 'docker', dockerEngine: '27.0' }, extra: 1 }),
    ).toEqual({ ...good, runtime: { kind: 'docker', dockerEngine: '27.0' } });
    expect(parseBackendInfo({ ...good, accountId: '000000000000', endpoint: 'http://x' })).toEqual({
      ...good,
      accountId: '000000000000',
      endpoint: 'http://x',
    });
  });

  it.each([
    ['not an object', ['x']],
    ['an unknown mode', { ...good, mode: 'cloud' }],
    ['an empty region', { ...good, region: '' }],
    ['regions not a list of strings', { ...good, regions: ['us-east-1', 2] }],
    ['no version', { ...good, version: undefined }],
    ['a number for accountId', { ...good, accountId: 1 }],
    ['an unknown runtime', { ...good, runtime: { kind: 'vm' } }],
    ['a runtime that is not an object', { ...good, runtime: 'docker' }],
  ])('refuses %s', (_why, doc) => {
    expect(parseBackendInfo(doc)).toBeUndefined();
  });

  it('says the document was unexpected', async () => {
    answer(200, { ...good, mode: 'cloud' });
    await expect(fetchBackendInfo()).rejects.toThrow('GET /api/info answered an unexpected document.');
    vi.unstubAllGlobals();
  });
});

describe('the early GET /api/info', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is taken once: later reads send their own request', async () => {
    let sent = 0;
    vi.stubGlobal('fetch', async () => {
      sent++;
      return new Response(JSON.stringify({ mode: 'local', region: 'us-east-1', regions: [], version: '1' }));
    });
    startBackendInfo();
    startBackendInfo();
    expect(sent).toBe(1);
    await expect(takeEarlyBackendInfo()).resolves.toMatchObject({ region: 'us-east-1' });
    expect(takeEarlyBackendInfo()).toBeUndefined();
  });
});

describe('region in the URL', () => {
  const aws: BackendInfo = {
    mode: 'aws',
    region: 'eu-west-1',
    regions: ['eu-west-1', 'us-east-2'],
    accountId: '123456789012',
    version: '0.1.0',
  };
  it("takes the URL's region, else the tab's last choice, else the server's; only regions it knows", () => {
    expect(regionOf(aws, '?region=us-east-2', 'eu-west-1')).toBe('us-east-2');
    expect(regionOf(aws, '?tab=tasks', 'us-east-2')).toBe('us-east-2');
    expect(regionOf(aws, '?region=mars-1', null)).toBe('eu-west-1');
    expect(regionOf({ ...aws, mode: 'local' }, '?region=us-east-2', 'us-east-2')).toBe('eu-west-1');
  });
  it('keeps the other parameters', () => {
    expect(withRegion('?tab=tasks&status=STOPPED', 'us-east-2')).toBe(
      '?tab=tasks&status=STOPPED&region=us-east-2',
    );
    expect(withRegion('?region=eu-west-1&tab=events', 'us-east-2')).toBe('?region=us-east-2&tab=events');
  });
  it("leaves a resource page for its section's list, since the resource belongs to the old region", () => {
    expect(pathAfterRegionSwitch('/clusters/prod/services/web')).toBe('/clusters');
    expect(pathAfterRegionSwitch('/task-definitions/web')).toBe('/task-definitions');
    expect(pathAfterRegionSwitch('/clusters')).toBe('/clusters');
    expect(pathAfterRegionSwitch('/get-started/review')).toBe('/get-started/review');
    expect(pathAfterRegionSwitch('/')).toBe('/');
  });
});
