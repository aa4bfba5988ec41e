/**
 * The in-process benches' control plane (micro.ts, place-micro.ts): a plane with its state in
 * memory, and `call`, which sends an ECS action through the endpoint's dispatch (input checks and
 * JSON output included, no HTTP) and gives back the parsed answer, throwing on an error.
 */
import { LocalControlPlane } from '../../src/local/index';

export async function inProcessPlane(taskStepMs: number, statePath: string | null = null) {
  const plane = new LocalControlPlane({ statePath, taskStepMs });
  await plane.start();
  const headers = (action: string) => ({
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `AmazonEC2ContainerServiceV20141113.${action}`,
    authorization:
      'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0',
  });
  const call = async <T>(action: string, input: unknown): Promise<T> => {
    const r = await plane.endpoint.dispatch('POST', '/', headers(action), Buffer.from(JSON.stringify(input)));
    if (r.status !== 200) throw new Error(`${action}: ${r.body}`);
    return JSON.parse(r.body.toString()) as T;
  };
  return { plane, call };
}
