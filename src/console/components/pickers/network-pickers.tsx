/**
 * The awsvpc ids of a service or a task: a VPC (to filter by: awsvpcConfiguration has no VPC member;
 * the wizard keeps it for its load balancer's target group), then its subnets and security groups to tick, each list paged with NextToken and searchable,
 * and typed entry for ids the lists do not show. The form fields stay comma-separated ids.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { useFormContext, useWatch, type FieldValues } from 'react-hook-form';
import { nameTag, useSecurityGroups, useSubnets, useSubnetsById, useVpcs } from '../../aws/queries/network';
import { cn } from '../../lib/cn';
import { selectClass } from '../../lib/format';
import { IdChecklist, idsOf, type PickItem } from './id-checklist';

export function NetworkPickers({
  subnetsName,
  securityGroupsName,
  vpcName,
}: {
  subnetsName: string;
  securityGroupsName: string;
  /** A form field that keeps the VPC shown (the wizard's template needs it for a load balancer). */
  vpcName?: string;
}) {
  const { getValues, setValue } = useFormContext<FieldValues>();
  const vpcs = useVpcs();
  const chosenSubnets = idsOf(useWatch<FieldValues>({ name: subnetsName }));
  // The VPC of the subnets already chosen (a service being updated): read once, by filter.
  const [firstChosen] = useState(() => chosenSubnets);
  const known = useSubnetsById(firstChosen);
  const [picked, setPicked] = useState<string | null>(() => {
    const kept: unknown = vpcName ? getValues(vpcName) : undefined;
    return typeof kept === 'string' && kept !== '' ? kept : null;
  });
  const fromSelection = known.data?.[0]?.VpcId;
  const fallback = vpcs.data?.find((v) => v.IsDefault)?.VpcId ?? vpcs.data?.[0]?.VpcId;
  const vpcId = picked ?? fromSelection ?? fallback ?? '';
  useEffect(() => {
    if (vpcName && vpcId && getValues(vpcName) !== vpcId) setValue(vpcName, vpcId, { shouldDirty: true });
  }, [vpcName, vpcId, getValues, setValue]);
  const subnets = useSubnets(vpcId);
  const groups = useSecurityGroups(vpcId);
  const selectId = useId();

  const subnetItems = useMemo<PickItem[] | undefined>(
    () =>
      subnets.rows?.map((s) => ({
        id: s.SubnetId ?? '',
        title: nameTag(s.Tags),
        detail: [s.AvailabilityZone, s.CidrBlock, s.MapPublicIpOnLaunch ? 'public IPs on launch' : '']
          .filter(Boolean)
          .join(' · '),
      })),
    [subnets.rows],
  );
  const groupItems = useMemo<PickItem[] | undefined>(
    () =>
      groups.rows?.map((g) => ({
        id: g.GroupId ?? '',
        title: g.GroupName,
        detail: g.Description,
      })),
    [groups.rows],
  );
  const noVpc = vpcs.isPending ? 'Loading VPCs…' : vpcId ? undefined : 'No VPC in this region.';
  return (
    <div className="min-w-0 space-y-3 sm:col-span-2">
      <div className="flex flex-col gap-1">
        <label htmlFor={selectId} className="text-sm font-medium">
          VPC
        </label>
        <select
          id={selectId}
          value={vpcId}
          onChange={(e) => setPicked(e.target.value)}
          className={cn(selectClass, 'w-full min-w-0')}
          aria-describedby={`${selectId}-hint`}
        >
          {vpcId === '' && <option value="">{vpcs.isPending ? 'Loading…' : 'No VPC'}</option>}
          {(vpcs.data ?? []).map((v) => (
            <option key={v.VpcId} value={v.VpcId}>
              {[nameTag(v.Tags), v.VpcId, v.CidrBlock, v.IsDefault ? 'default' : '']
                .filter(Boolean)
                .join(' · ')}
            </option>
          ))}
        </select>
        <span id={`${selectId}-hint`} className="text-xs text-slate-600 dark:text-slate-400">
          {vpcName
            ? "Lists the subnets and security groups of this VPC; a load balancer's target group is made in it."
            : 'Lists the subnets and security groups of this VPC (not sent: the subnets name it).'}
        </span>
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <IdChecklist
          name={subnetsName}
          label="Subnets"
          noun="subnet"
          items={subnetItems}
          list={subnets}
          pattern={/^subnet-[0-9a-f]{8,17}$/}
          example="subnet-0123456789abcdef0"
          unavailable={noVpc}
        />
        <IdChecklist
          name={securityGroupsName}
          label="Security groups"
          noun="security group"
          items={groupItems}
          list={groups}
          pattern={/^sg-[0-9a-f]{8,17}$/}
          example="sg-0123456789abcdef0"
          hint="None chosen: ECS uses the VPC's default security group."
          unavailable={noVpc}
        />
      </div>
    </div>
  );
}
