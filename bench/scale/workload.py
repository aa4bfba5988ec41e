"""The boto3 workload of issue 14, driven by bench/scale as a subprocess.

One client, one request at a time: register N container instances, RunTask (count 10) up to T
tasks, ListTasks (pages of 100), DescribeTasks of 100 (right away: the tasks are still starting),
StopTask of each. Prints one JSON object: requests, seconds, requests/s, the client's CPU seconds
and per-action count, mean, p50 and p99 in ms. `--warm-up` runs a small untimed round first.
`--launch-ec2` launches the EC2 instances first (moto checks that they exist; not timed).
"""

import argparse
import json
import math
import os
import sys
import time

import boto3
from botocore.config import Config


def quantile(values, q):
    if not values:
        return None
    s = sorted(values)
    # Nearest rank: the smallest value with at least q of the samples at or below it.
    return s[max(0, min(len(s) - 1, math.ceil(q * len(s)) - 1))]


class Timer:
    def __init__(self):
        self.by_action = {}

    def call(self, action, fn, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(**kwargs)
        finally:
            self.by_action.setdefault(action, []).append((time.perf_counter() - t0) * 1000)

    @property
    def total(self):
        return sum(len(v) for v in self.by_action.values())

    def rows(self):
        return {
            a: {
                "count": len(v),
                "mean": sum(v) / len(v),
                "p50": quantile(v, 0.5),
                "p99": quantile(v, 0.99),
            }
            for a, v in self.by_action.items()
        }


def launch_ec2(endpoint, n):
    ec2 = boto3.client(
        "ec2",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
    )
    ids = []
    while len(ids) < n:
        count = min(100, n - len(ids))
        out = ec2.run_instances(ImageId="ami-12c6146b", InstanceType="m5.large", MinCount=count, MaxCount=count)
        ids += [i["InstanceId"] for i in out["Instances"]]
    return ids


def workload(ecs, endpoint, instances, tasks, launch):
    ec2_ids = launch_ec2(endpoint, instances) if launch else None
    timer = Timer()
    cluster = "bench-" + os.urandom(3).hex()
    prefix = os.urandom(4).hex()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    timer.call("CreateCluster", ecs.create_cluster, clusterName=cluster)
    timer.call(
        "RegisterTaskDefinition",
        ecs.register_task_definition,
        family="bench",
        containerDefinitions=[{"name": "app", "image": "busybox", "cpu": 10, "memory": 32, "essential": True}],
    )
    for i in range(instances):
        instance_id = ec2_ids[i] if ec2_ids else "i-%s%09x" % (prefix, i)
        doc = {
            "instanceId": instance_id,
            "region": "us-east-1",
            "instanceType": "m5.large",
            "availabilityZone": "us-east-1a",
            "privateIp": "10.0.%d.%d" % (i // 250, i % 250 + 1),
        }
        timer.call(
            "RegisterContainerInstance",
            ecs.register_container_instance,
            cluster=cluster,
            instanceIdentityDocument=json.dumps(doc),
            instanceIdentityDocumentSignature="bench",
            totalResources=[
                {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 8192},
            ],
        )
    placed = 0
    while placed < tasks:
        out = timer.call("RunTask", ecs.run_task, cluster=cluster, taskDefinition="bench", count=10)
        placed += len(out["tasks"])
        if not out["tasks"]:
            raise SystemExit("RunTask placed nothing: %s" % out.get("failures"))
    arns = []
    token = None
    while True:
        kwargs = {"cluster": cluster, "maxResults": 100}
        if token:
            kwargs["nextToken"] = token
        page = timer.call("ListTasks", ecs.list_tasks, **kwargs)
        arns += page["taskArns"]
        token = page.get("nextToken")
        if not token:
            break
    described = 0
    for i in range(0, len(arns), 100):
        out = timer.call("DescribeTasks", ecs.describe_tasks, cluster=cluster, tasks=arns[i : i + 100])
        described += len(out["tasks"])
    if len(arns) != placed or described != placed:
        raise SystemExit("%d placed, %d listed, %d described" % (placed, len(arns), described))
    for arn in arns:
        timer.call("StopTask", ecs.stop_task, cluster=cluster, task=arn, reason="bench")
    seconds = time.perf_counter() - t0
    return {
        "requests": timer.total,
        "seconds": seconds,
        "requestsPerSecond": timer.total / seconds,
        "clientCpuSeconds": time.process_time() - cpu0,
        "placed": placed,
        "actions": timer.rows(),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--instances", type=int, default=100)
    p.add_argument("--tasks", type=int, default=1000)
    p.add_argument("--launch-ec2", action="store_true")
    p.add_argument("--warm-up", action="store_true")
    a = p.parse_args()
    ecs = boto3.client(
        "ecs",
        endpoint_url=a.endpoint,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, max_pool_connections=4),
    )
    if a.warm_up:
        workload(ecs, a.endpoint, 10, 100, a.launch_ec2)
    result = workload(ecs, a.endpoint, a.instances, a.tasks, a.launch_ec2)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
