import { renderToStaticMarkup } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { RegionProvider, type BackendInfo } from '../aws/backend';
import { BackendBadge } from './backend-badge';

const render = (info: BackendInfo, url = '/clusters') =>
  renderToStaticMarkup(
    <QueryClientProvider client={new QueryClient()}>
      <MemoryRouter initialEntries={[url]}>
        <RegionProvider info={info}>
          <BackendBadge info={info} />
        </RegionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
const base = { region: 'eu-west-1', regions: ['us-east-1', 'eu-west-1'], version: '0.1.0' };

describe('BackendBadge', () => {
  it('names the local control plane and its region, without a region switcher', () => {
    const html = render({ ...base, mode: 'local' });
    expect(html).toContain('Local control plane');
    expect(html).toContain('eu-west-1');
    expect(html).not.toContain('<select');
  });
  it('says which runtime runs the tasks, and how to switch when a Docker Engine answers', () => {
    const docker = render({ ...base, mode: 'local', runtime: { kind: 'docker', dockerEngine: '20.10.24' } });
    expect(docker).toContain('Docker containers');
    expect(docker).not.toContain('runtime-switch-hint');
    const simulated = render({
      ...base,
      mode: 'local',
      runtime: { kind: 'simulated', dockerEngine: '20.10.24' },
    });
    expect(simulated).toContain('simulated containers');
    expect(simulated).toContain('restart with &quot;ecs-console serve --runtime docker&quot;');
    const noEngine = render({ ...base, mode: 'local', runtime: { kind: 'simulated' } });
    expect(noEngine).toContain('simulated containers');
    expect(noEngine).not.toContain('--runtime docker');
  });
  it('shows the AWS account with a region switcher', () => {
    const html = render({ ...base, mode: 'aws', accountId: '123456789012' });
    expect(html).toContain('AWS 123456789012');
    expect(html).toContain('>Region</label>');
    expect(html).toMatch(/<option value="eu-west-1" selected="">eu-west-1<\/option>/);
  });
  it("selects the URL's region in AWS mode", () => {
    const html = render({ ...base, mode: 'aws', accountId: '123456789012' }, '/clusters?region=us-east-1');
    expect(html).toMatch(/<option value="us-east-1" selected="">us-east-1<\/option>/);
  });
  it('shows the endpoint URL', () => {
    expect(render({ ...base, mode: 'endpoint', endpoint: 'http://127.0.0.1:5000' })).toContain(
      'Endpoint http://127.0.0.1:5000',
    );
  });
});
