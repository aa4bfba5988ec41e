import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchBackendInfo, pathAfterRegionSwitch, regionOf, withRegion, type BackendInfo } from './backend';

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
