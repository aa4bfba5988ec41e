import { ListAccountSettingsCommand, type Setting } from '@aws-sdk/client-ecs';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';

/**
 * The account's effective ECS settings (ListAccountSettings with effectiveSettings, every page): for
 * each setting, the value that applies to the caller (its own, else the account default, else AWS's).
 */
export async function listAccountSettings(region: string): Promise<Setting[]> {
  const ecs = ecsClient(region);
  const settings: Setting[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListAccountSettingsCommand({ effectiveSettings: true, nextToken }));
    settings.push(...(page.settings ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return settings.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
}

export function accountSettingsQuery(region: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListAccountSettings', { effectiveSettings: true }),
    queryFn: () => listAccountSettings(region),
    // Settings change only when someone puts one: read once a minute while the page is open.
    refetchInterval: 60_000,
    refetchIntervalInBackground: false,
  });
}

export function useAccountSettings() {
  const { region } = useRegion();
  return useQuery(accountSettingsQuery(region));
}
