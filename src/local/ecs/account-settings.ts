/**
 * PutAccountSetting, PutAccountSettingDefault, ListAccountSettings, DeleteAccountSetting.
 *
 * A setting is a principal's own value; the root user's value is the account default (what
 * PutAccountSettingDefault writes), and AWS's default applies where neither is set. Every local
 * caller signs as the account's root user, so that is "the authenticated user" when no
 * `principalArn` is given. Settings are per Region. What they change locally:
 * `containerInsights` is the default of new clusters' `containerInsights` setting (clusters.ts);
 * `guardDutyActivate` is AWS-managed and read-only. The others are stored and listed as AWS does
 * (ARNs are always in the long format here; `tagResourceAuthorization` is checked against the
 * caller's permissions, and a local caller holds them all).
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { errors, pageOf, type Scope } from './common';
import type { AccountSettingRecord, Wire } from './model';

interface SettingRule {
  values: readonly string[];
  /** AWS's default when neither the principal nor the root user set it. */
  fallback: string;
  /** Managed by AWS (read-only). */
  awsManaged?: boolean;
  /** Only the root user may set it (for everyone). */
  rootOnly?: boolean;
}

const ENABLED = ['enabled', 'disabled'] as const;

/** The account settings by name, in the model's order (ListAccountSettings lists them so). */
export const ACCOUNT_SETTINGS: ReadonlyMap<string, SettingRule> = new Map<string, SettingRule>([
  ['serviceLongArnFormat', { values: ENABLED, fallback: 'enabled' }],
  ['taskLongArnFormat', { values: ENABLED, fallback: 'enabled' }],
  ['containerInstanceLongArnFormat', { values: ENABLED, fallback: 'enabled' }],
  ['awsvpcTrunking', { values: ENABLED, fallback: 'disabled' }],
  ['containerInsights', { values: ['enabled', 'disabled', 'enhanced'], fallback: 'disabled' }],
  ['fargateFIPSMode', { values: ENABLED, fallback: 'disabled', rootOnly: true }],
  ['tagResourceAuthorization', { values: ['on', 'off'], fallback: 'on' }],
  ['fargateTaskRetirementWaitPeriod', { values: ['0', '7', '14'], fallback: '7', rootOnly: true }],
  ['guardDutyActivate', { values: ['on', 'off'], fallback: 'off', awsManaged: true }],
  ['defaultLogDriverMode', { values: ['blocking', 'non-blocking'], fallback: 'non-blocking' }],
  ['fargateEventWindows', { values: ENABLED, fallback: 'disabled' }],
]);

const rootArn = (s: Scope) => `arn:aws:iam::${s.accountId}:root`;
const keyOf = (s: Scope, principalArn: string, name: string) => `${s.region}|${principalArn}|${name}`;

/** The principal a call names (or the caller, the root user): an IAM user, role or root of this account. */
function principalOf(s: Scope, principalArn: string | undefined): string {
  if (principalArn === undefined) return rootArn(s);
  const m = /^arn:aws:iam::([0-9]{12}):(root|user\/[\w+=,.@/-]{1,512}|role\/[\w+=,.@/-]{1,512})$/.exec(
    principalArn,
  );
  if (!m) throw errors.invalid(`Invalid principal ARN: ${principalArn.slice(0, 300)}`);
  if (m[1] !== s.accountId) {
    throw errors.invalid('The principal ARN must belong to the account making the request.');
  }
  return principalArn;
}

function ruleOf(name: string | undefined): SettingRule {
  const rule = name === undefined ? undefined : ACCOUNT_SETTINGS.get(name);
  // The endpoint checks the enum; an unknown name only reaches here from a newer model.
  if (!rule || name === undefined) throw errors.invalid(`Unsupported account setting: ${String(name)}`);
  return rule;
}

function checkWrite(s: Scope, name: string, rule: SettingRule, principalArn: string, value?: string): void {
  if (rule.awsManaged) {
    throw errors.invalid(`The ${name} account setting is managed by AWS and cannot be changed.`);
  }
  if (rule.rootOnly && principalArn !== rootArn(s)) {
    throw errors.invalid(`The ${name} account setting can only be set for the root user.`);
  }
  if (value !== undefined && !rule.values.includes(value)) {
    throw errors.invalid(
      `Invalid value ${JSON.stringify(value.slice(0, 64))} for the ${name} account setting. Valid values: ${rule.values.join(', ')}.`,
    );
  }
}

const wireSetting = (r: AccountSettingRecord, type: 'user' | 'aws_managed' = 'user'): Wire<ecs.Setting> => ({
  name: r.name as ecs.SettingName,
  value: r.value,
  principalArn: r.principalArn,
  type,
});

function put(s: Scope, name: string | undefined, value: string | undefined, principal: string) {
  const rule = ruleOf(name);
  const setting = name as string;
  checkWrite(s, setting, rule, principal, value ?? '');
  const rec: AccountSettingRecord = {
    region: s.region,
    principalArn: principal,
    name: setting,
    value: value ?? '',
  };
  s.deps.db.tx(() => s.col.accountSettings.put(keyOf(s, principal, setting), rec));
  return { setting: wireSetting(rec) };
}

export function putAccountSetting(s: Scope, input: Wire<ecs.PutAccountSettingRequest>) {
  return put(s, input.name, input.value, principalOf(s, input.principalArn));
}

export function putAccountSettingDefault(s: Scope, input: Wire<ecs.PutAccountSettingDefaultRequest>) {
  return put(s, input.name, input.value, rootArn(s));
}

export function deleteAccountSetting(s: Scope, input: Wire<ecs.DeleteAccountSettingRequest>) {
  const rule = ruleOf(input.name);
  const name = input.name as string;
  const principal = principalOf(s, input.principalArn);
  checkWrite(s, name, rule, principal);
  const removed = s.deps.db.tx(() => {
    const key = keyOf(s, principal, name);
    const existing = s.col.accountSettings.get(key);
    if (existing) s.col.accountSettings.delete(key);
    return existing;
  });
  // What is left in effect for the principal (AWS answers with the setting it deleted).
  return {
    setting: wireSetting(
      removed ?? { region: s.region, principalArn: principal, name, value: effective(s, principal, name) },
    ),
  };
}

/** A setting's value in effect for a principal: its own, else the account default, else AWS's. */
function effective(s: Scope, principalArn: string, name: string): string {
  return (
    s.col.accountSettings.get(keyOf(s, principalArn, name))?.value ??
    s.col.accountSettings.get(keyOf(s, rootArn(s), name))?.value ??
    ACCOUNT_SETTINGS.get(name)?.fallback ??
    ''
  );
}

/** The account's value in effect for new resources (the root user's, else AWS's default). */
export function accountSetting(s: Scope, name: string): string {
  return effective(s, rootArn(s), name);
}

export function listAccountSettings(s: Scope, input: Wire<ecs.ListAccountSettingsRequest>) {
  if (input.value !== undefined && input.name === undefined) {
    throw errors.invalid('You must specify an account setting name when filtering by value.');
  }
  const max = input.maxResults ?? 10;
  if (max < 1 || max > 10) throw errors.invalid('maxResults must be between 1 and 10.');
  const principal = principalOf(s, input.principalArn);
  const names = input.name === undefined ? [...ACCOUNT_SETTINGS.keys()] : [ruleOf(input.name) && input.name];
  const settings: Wire<ecs.Setting>[] = [];
  for (const name of names) {
    const own = s.col.accountSettings.get(keyOf(s, principal, name));
    const rule = ACCOUNT_SETTINGS.get(name);
    if (input.effectiveSettings) {
      const fromRoot = own ?? s.col.accountSettings.get(keyOf(s, rootArn(s), name));
      const rec = fromRoot ?? {
        region: s.region,
        principalArn: rootArn(s),
        name,
        value: rule?.fallback ?? '',
      };
      settings.push(wireSetting(rec, rule?.awsManaged ? 'aws_managed' : 'user'));
    } else if (own) {
      settings.push(wireSetting(own));
    }
  }
  const filtered = settings.filter((x) => input.value === undefined || x.value === input.value);
  const query = `ListAccountSettings|${principal}|${input.name ?? ''}|${input.value ?? ''}|${String(input.effectiveSettings ?? false)}`;
  const { page, nextToken } = pageOf(filtered, (x) => x.name ?? '', input.nextToken, max, query);
  return { settings: page, ...(nextToken ? { nextToken } : {}) };
}
