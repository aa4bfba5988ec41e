import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startConsoleServer, type ConsoleServer } from './index';
import { consoleClient, consoleEcsClient, fakeSpaDir, rawRequest } from './testing';
import { awsJson, requireTool } from '../testing/tools';

/**
 * Local mode. The ECS and EC2 providers are other parts' work; these tests replace them on the
 * endpoint with probes that echo what reached them, so they prove the pass-through alone.
 */
function installProbes(server: ConsoleServer) {
  const plane = server.plane;
  if (!plane) throw new Error('local mode has a plane');
  const real = (id: 'ecs' | 'ec2') => {
    const def = plane.endpoint.service(id);
    if (!def) throw new Error(`no ${id} service`);
    return def;
  };
  plane.endpoint.register({
    ...real('ecs'),
    actions: {
      ListClusters: (_input, ctx) => ({
        clusterArns: [`arn:aws:ecs:${ctx.region}:${ctx.accountId}:cluster/probe`],
      }),
    },
  });
  plane.endpoint.register({
    ...real('ec2'),
    actions: {
      DescribeRegions: (input: { RegionNames?: string[] }, ctx) => ({
        Regions: [{ RegionName: ctx.region, Endpoint: input.RegionNames?.[0] ?? 'no-query' }],
      }),
    },
  });
}

describe('console server, local mode', () => {
  let server: ConsoleServer;
  const lines: string[] = [];
  const spaDir = fakeSpaDir();

  beforeAll(async () => {
    server = await startConsoleServer({
      target: { mode: 'local', statePath: null, allowReset: true, taskStepMs: 20 },
      port: 0,
      spaDir,
      verbose: true,
      log: (line) => lines.push(line),
    });
    installProbes(server);
  });
  afterAll(() => server.close());

  it('describes itself on /api/info', async () => {
    const info = await (await fetch(`${server.url}/api/info`)).json();
    expect(info).toMatchObject({
      mode: 'local',
      region: 'us-east-1',
      accountId: '000000000000',
      version: '0.1.0',
    });
    expect(info.regions).toContain('eu-west-1');
    expect(info.regions.length).toBeGreaterThan(20);
  });

  it('passes /aws/ecs to the embedded endpoint, region from the signature', async () => {
    const out = await consoleEcsClient(server.url, 'eu-west-3').send(new ListClustersCommand({}));
    expect(out.clusterArns).toEqual(['arn:aws:ecs:eu-west-3:000000000000:cluster/probe']);
  });

  it('rewrites /aws/ec2?query to / and keeps the query string', async () => {
    const ec2 = consoleClient(EC2Client, 'ec2', server.url, 'ap-south-1');
    ec2.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { query: Record<string, string> }).query['RegionName.1'] = 'from-query';
        return next(args);
      },
      { step: 'build' },
    );
    const out = await ec2.send(new DescribeRegionsCommand({}));
    expect(out.Regions).toEqual([{ RegionName: 'ap-south-1', Endpoint: 'from-query' }]);
  });

  it('answers the AWS CLI on / (--endpoint-url is the console URL)', async () => {
    if (!requireTool('aws', 'the console URL as --endpoint-url (local mode)')) return;
    // Asynchronous: the server runs in this process.
    const cli = await awsJson(server.url, ['--region', 'sa-east-1', 'ecs', 'list-clusters']);
    expect(cli).toEqual({
      clusterArns: ['arn:aws:ecs:sa-east-1:000000000000:cluster/probe'],
    });
  });

  it('404s an unknown service under /aws', async () => {
    const r = await rawRequest(server.url, {
      method: 'POST',
      path: '/aws/s3',
      headers: { 'x-ecs-console': '1' },
    });
    expect(r.status).toBe(404);
  });

  it('passes /_ecs-console/reset through to the plane when --allow-reset', async () => {
    const r = await rawRequest(server.url, {
      method: 'POST',
      path: '/_ecs-console/reset',
      headers: { 'x-ecs-console': '1' },
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ reset: true });
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('serves the SPA: index without cache, hashed assets immutable, history fallback', async () => {
    const index = await rawRequest(server.url, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toContain('fake console');
    const head = await rawRequest(server.url, { method: 'HEAD', path: '/' });
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toMatch(/text\/html/);

    const asset = await rawRequest(server.url, { path: '/assets/index-Ab12Cd34.js' });
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);

    const icon = await rawRequest(server.url, { path: '/favicon.svg' });
    expect(icon.status).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');

    for (const deep of [
      '/clusters',
      '/clusters/default/services/sample-webapp?tab=events',
      '/wizard/step/2',
    ]) {
      const r = await rawRequest(server.url, { path: deep });
      expect(r.status, deep).toBe(200);
      expect(r.body, deep).toContain('fake console');
      expect(r.headers['cache-control'], deep).toBe('no-cache');
    }
    for (const missing of [
      '/assets/gone-1234.js',
      '/api/nope',
      '/aws',
      '/_ecs-console/other',
      '/robots.txt',
    ]) {
      const r = await rawRequest(server.url, { path: missing });
      expect(r.status, missing).toBe(404);
      expect(r.body, missing).not.toContain('fake console');
    }
  });

  it('serves a rebuild at once (files are looked up per request)', async () => {
    writeFileSync(join(spaDir, 'assets', 'index-New98765.js'), 'console.log("rebuilt");\n');
    const r = await rawRequest(server.url, { path: '/assets/index-New98765.js' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('rebuilt');
  });

  it('prints one line per AWS call when verbose', () => {
    expect(lines.some((l) => /POST \/aws\/ecs ecs:ListClusters eu-west-3 -> 200/.test(l))).toBe(true);
    expect(lines.some((l) => /POST \/aws\/ec2 ec2:DescribeRegions ap-south-1 -> 200/.test(l))).toBe(true);
  });
});

describe('console server, defaults', () => {
  it('is quiet by default, refuses reset without --allow-reset, explains a missing SPA', async () => {
    const lines: string[] = [];
    const server = await startConsoleServer({
      target: { mode: 'local', statePath: null },
      port: 0,
      spaDir: '/nonexistent/dist/console',
      spaMissingReason: 'The console (src/console) has not been written yet.',
      log: (line) => lines.push(line),
    });
    try {
      installProbes(server);
      await consoleEcsClient(server.url).send(new ListClustersCommand({}));
      expect(lines).toEqual([]);

      const reset = await rawRequest(server.url, {
        method: 'POST',
        path: '/_ecs-console/reset',
        headers: { 'x-ecs-console': '1' },
      });
      expect(reset.status).toBe(404);

      for (const path of ['/', '/clusters']) {
        const page = await rawRequest(server.url, { path });
        expect(page.status).toBe(200);
        expect(page.body).toContain('has not been written yet');
      }
    } finally {
      await server.close();
    }
  });
});
