import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchBackendInfo } from './backend';

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
