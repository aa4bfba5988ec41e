/**
 * SSM parameter types (`AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`) read public parameters. The
 * local control plane has no parameter store; it knows the ECS-optimized AMI parameters
 * (`/aws/service/ecs/optimized-ami/.../image_id`) and answers them with the ECS-optimized image the
 * local EC2 offers (found with DescribeImages, the way a client would look it up).
 */
import type { ServiceCaller } from '../protocol/types';

const ECS_AMI = /^\/aws\/service\/ecs\/optimized-ami\/([^/]+)\/.*image_id$/;

/** Image name patterns per ECS-optimized family, most specific first. */
function patterns(family: string): string[] {
  const byFamily: Record<string, string> = {
    'amazon-linux-2': 'amzn2-ami-ecs-hvm-*',
    'amazon-linux-2023': 'al2023-ami-ecs-hvm-*',
    'amazon-linux': 'amzn-ami-*-amazon-ecs-optimized',
  };
  const own = byFamily[family];
  return own ? [own, '*ecs*'] : ['*ecs*'];
}

/** Resolves the given parameter names; names it does not know are left out. */
export async function resolveSsm(
  services: ServiceCaller,
  region: string,
  names: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of names) {
    const m = ECS_AMI.exec(name);
    if (!m) continue;
    for (const pattern of patterns(m[1] as string)) {
      const images = await services
        .call<{ Images?: { ImageId: string }[] }>(
          'ec2',
          'DescribeImages',
          { Owners: ['amazon'], Filters: [{ Name: 'name', Values: [pattern] }] },
          { region },
        )
        .catch(() => ({ Images: [] }));
      const id = images.Images?.[0]?.ImageId;
      if (id) {
        out.set(name, id);
        break;
      }
    }
  }
  return out;
}
