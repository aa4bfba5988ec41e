import {
  CreateClusterCommand,
  DeleteAccountSettingCommand,
  DescribeClustersCommand,
  ListAccountSettingsCommand,
  PutAccountSettingCommand,
  PutAccountSettingDefaultCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, requireTool } from '../../testing/tools';
import { ACCOUNT, expectAwsError, startTestPlane, type TestPlane } from './testing';

const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/deployer`;

let t: TestPlane;
beforeAll(async () => {
  t = await startTestPlane();
});
afterAll(async () => {
  await t?.stop();
});

describe('account settings', () => {
  it('lists AWS defaults as effective settings, and nothing set explicitly at first', async () => {
    const own = await t.ecs.send(new ListAccountSettingsCommand({}));
    expect(own.settings).toEqual([]);
    const first = await t.ecs.send(new ListAccountSettingsCommand({ effectiveSettings: true }));
    expect(first.settings).toHaveLength(10);
    expect(first.nextToken).toBeDefined();
    const second = await t.ecs.send(
      new ListAccountSettingsCommand({ effectiveSettings: true, nextToken: first.nextToken }),
    );
    const all = [...(first.settings ?? []), ...(second.settings ?? [])];
    expect(second.nextToken).toBeUndefined();
    const value = (name: string) => all.find((x) => x.name === name);
    expect(value('containerInsights')).toMatchObject({ value: 'disabled', principalArn: ROOT, type: 'user' });
    expect(value('tagResourceAuthorization')?.value).toBe('on');
    expect(value('taskLongArnFormat')?.value).toBe('enabled');
    expect(value('fargateTaskRetirementWaitPeriod')?.value).toBe('7');
    expect(value('guardDutyActivate')).toMatchObject({ value: 'off', type: 'aws_managed' });
  });

  it('PutAccountSettingDefault sets the account default: new clusters get containerInsights from it', async () => {
    const put = await t.ecs.send(
      new PutAccountSettingDefaultCommand({ name: 'containerInsights', value: 'enhanced' }),
    );
    expect(put.setting).toEqual({
      name: 'containerInsights',
      value: 'enhanced',
      principalArn: ROOT,
      type: 'user',
    });
    await t.ecs.send(new CreateClusterCommand({ clusterName: 'insights-default' }));
    await t.ecs.send(
      new CreateClusterCommand({
        clusterName: 'insights-off',
        settings: [{ name: 'containerInsights', value: 'disabled' }],
      }),
    );
    const described = await t.ecs.send(
      new DescribeClustersCommand({ clusters: ['insights-default', 'insights-off'], include: ['SETTINGS'] }),
    );
    expect(described.clusters?.map((c) => c.settings)).toEqual([
      [{ name: 'containerInsights', value: 'enhanced' }],
      [{ name: 'containerInsights', value: 'disabled' }],
    ]);
    // A role without its own value inherits the default; its own value overrides it.
    const inherited = await t.ecs.send(
      new ListAccountSettingsCommand({
        name: 'containerInsights',
        principalArn: ROLE,
        effectiveSettings: true,
      }),
    );
    expect(inherited.settings?.[0]?.value).toBe('enhanced');
    await t.ecs.send(
      new PutAccountSettingCommand({ name: 'containerInsights', value: 'disabled', principalArn: ROLE }),
    );
    const own = await t.ecs.send(
      new ListAccountSettingsCommand({
        name: 'containerInsights',
        principalArn: ROLE,
        effectiveSettings: true,
      }),
    );
    expect(own.settings).toEqual([
      { name: 'containerInsights', value: 'disabled', principalArn: ROLE, type: 'user' },
    ]);
    // Deleting the root's value brings AWS's default back for new clusters.
    const deleted = await t.ecs.send(new DeleteAccountSettingCommand({ name: 'containerInsights' }));
    expect(deleted.setting).toMatchObject({
      name: 'containerInsights',
      value: 'enhanced',
      principalArn: ROOT,
    });
    await t.ecs.send(new CreateClusterCommand({ clusterName: 'insights-after' }));
    const after = await t.ecs.send(
      new DescribeClustersCommand({ clusters: ['insights-after'], include: ['SETTINGS'] }),
    );
    expect(after.clusters?.[0]?.settings).toEqual([{ name: 'containerInsights', value: 'disabled' }]);
  });

  it('filters by name and value', async () => {
    await t.ecs.send(new PutAccountSettingCommand({ name: 'tagResourceAuthorization', value: 'off' }));
    await t.ecs.send(new PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'enabled' }));
    const off = await t.ecs.send(
      new ListAccountSettingsCommand({ name: 'tagResourceAuthorization', value: 'off' }),
    );
    expect(off.settings?.map((x) => x.value)).toEqual(['off']);
    const none = await t.ecs.send(
      new ListAccountSettingsCommand({ name: 'awsvpcTrunking', value: 'disabled' }),
    );
    expect(none.settings).toEqual([]);
    const mine = await t.ecs.send(new ListAccountSettingsCommand({}));
    expect(mine.settings?.map((x) => x.name).sort()).toEqual(['awsvpcTrunking', 'tagResourceAuthorization']);
  });

  it('refuses bad input with InvalidParameterException and changes nothing', async () => {
    const before = await t.ecs.send(
      new ListAccountSettingsCommand({ effectiveSettings: true, maxResults: 10 }),
    );
    await expectAwsError(
      t.ecs.send(new PutAccountSettingCommand({ name: 'containerInsights', value: 'maybe' })),
      'InvalidParameterException',
      'Valid values: enabled, disabled, enhanced',
    );
    await expectAwsError(
      t.ecs.send(new PutAccountSettingDefaultCommand({ name: 'guardDutyActivate', value: 'on' })),
      'InvalidParameterException',
      'managed by AWS',
    );
    await expectAwsError(
      t.ecs.send(
        new PutAccountSettingCommand({
          name: 'fargateTaskRetirementWaitPeriod',
          value: '14',
          principalArn: ROLE,
        }),
      ),
      'InvalidParameterException',
      'root user',
    );
    await expectAwsError(
      t.ecs.send(new PutAccountSettingCommand({ name: 'fargateTaskRetirementWaitPeriod', value: '3' })),
      'InvalidParameterException',
    );
    await expectAwsError(
      t.ecs.send(
        new PutAccountSettingCommand({ name: 'containerInsights', value: 'enabled', principalArn: 'bob' }),
      ),
      'InvalidParameterException',
      'Invalid principal ARN',
    );
    await expectAwsError(
      t.ecs.send(
        new PutAccountSettingCommand({
          name: 'containerInsights',
          value: 'enabled',
          principalArn: 'arn:aws:iam::123456789012:root',
        }),
      ),
      'InvalidParameterException',
    );
    await expectAwsError(
      t.ecs.send(new PutAccountSettingCommand({ name: 'notASetting' as never, value: 'on' })),
      'InvalidParameterException',
    );
    await expectAwsError(
      t.ecs.send(new ListAccountSettingsCommand({ value: 'on' })),
      'InvalidParameterException',
      'name',
    );
    await expectAwsError(
      t.ecs.send(new ListAccountSettingsCommand({ maxResults: 11 })),
      'InvalidParameterException',
    );
    await expectAwsError(
      t.ecs.send(new ListAccountSettingsCommand({ nextToken: 'garbage' })),
      'InvalidParameterException',
    );
    const after = await t.ecs.send(
      new ListAccountSettingsCommand({ effectiveSettings: true, maxResults: 10 }),
    );
    expect(after.settings).toEqual(before.settings);
  });
});

const hasAws = requireTool('aws', 'account settings with the AWS CLI');

describe.skipIf(!hasAws)('account settings with the AWS CLI', () => {
  it('put-account-setting-default, list-account-settings and an error', async () => {
    const put = await awsCli(t.url, [
      'ecs',
      'put-account-setting-default',
      '--name',
      'defaultLogDriverMode',
      '--value',
      'blocking',
    ]);
    expect(put.code, put.stderr).toBe(0);
    expect(JSON.parse(put.stdout)).toEqual({
      setting: { name: 'defaultLogDriverMode', value: 'blocking', principalArn: ROOT, type: 'user' },
    });
    const listed = await awsCli(t.url, [
      'ecs',
      'list-account-settings',
      '--name',
      'defaultLogDriverMode',
      '--effective-settings',
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { settings: { value: string }[] }).settings[0]?.value).toBe(
      'blocking',
    );
    const bad = await awsCli(t.url, [
      'ecs',
      'put-account-setting',
      '--name',
      'awsvpcTrunking',
      '--value',
      'yes',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('InvalidParameterException');
  });
});
