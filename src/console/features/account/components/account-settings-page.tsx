import type { Setting } from '@aws-sdk/client-ecs';
import { useAccountSettings } from '../../../aws/queries/account-settings';
import { PageHeader } from '../../../components/ui/page-header';
import { queryRows, ResourceTable, type Column } from '../../../components/ui/resource-table';

/** What each ECS account setting governs, in a line (the settings ECS documents). */
const MEANING: ReadonlyMap<string, string> = new Map([
  ['containerInsights', 'CloudWatch Container Insights on new clusters by default'],
  ['serviceLongArnFormat', 'Service ARNs that include the cluster name'],
  ['taskLongArnFormat', 'Task ARNs that include the cluster name'],
  ['containerInstanceLongArnFormat', 'Container instance ARNs that include the cluster name'],
  ['awsvpcTrunking', 'More network interfaces per instance for awsvpc tasks'],
  ['fargateFIPSMode', 'FIPS-140 compliance for Fargate tasks'],
  ['tagResourceAuthorization', 'Tagging on create needs ecs:TagResource permission'],
  ['fargateTaskRetirementWaitPeriod', 'Days before Fargate tasks are retired for patching'],
  ['guardDutyActivate', 'GuardDuty Runtime Monitoring (managed by AWS)'],
  ['defaultLogDriverMode', 'Default delivery mode of container logs'],
]);

const columns: Array<Column<Setting>> = [
  { id: 'name', header: 'Setting', className: 'font-mono text-xs', cell: (s) => s.name ?? '' },
  {
    id: 'value',
    header: 'Effective value',
    cell: (s) => <span data-testid={`setting-${s.name ?? ''}`}>{s.value ?? ''}</span>,
  },
  { id: 'meaning', header: 'What it does', cell: (s) => MEANING.get(s.name ?? '') ?? '' },
  {
    id: 'source',
    header: 'Set by',
    cell: (s) => (s.type === 'aws_managed' ? 'AWS' : s.type === 'user' ? 'You' : (s.type ?? '')),
  },
  { id: 'principal', header: 'Principal', className: 'font-mono text-xs', cell: (s) => s.principalArn ?? '' },
];

/** The account's ECS settings as they apply to the caller (ListAccountSettings, effective settings). */
export function AccountSettingsPage() {
  const settings = useAccountSettings();
  return (
    <>
      <PageHeader
        title="Account settings"
        description="The ECS account settings that apply to you in this region: your own value where you set one, else the account default, else AWS's. Change them with aws ecs put-account-setting or put-account-setting-default."
      />
      <ResourceTable
        caption="ECS account settings"
        resourceName="account settings"
        columns={columns}
        {...queryRows(settings)}
        rowKey={(s) => `${s.principalArn ?? ''}|${s.name ?? ''}`}
      />
    </>
  );
}
