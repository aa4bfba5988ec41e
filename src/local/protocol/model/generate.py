# Generates the service models of the local control plane from the botocore models that ship with
# the AWS CLI: one `shapes.gen.ts` per served service, holding the protocol metadata and the input
# and output shapes (transitively) of the actions in SERVICES below.
#
#   python3 src/local/protocol/model/generate.py           # (re)writes every shapes.gen.ts
#   python3 src/local/protocol/model/generate.py --check   # exits 1 when a file is out of date
#
# (`npm run models` runs the first.) The output depends only on the botocore model files, so it is
# deterministic: the same botocore gives byte-identical files. To serve a new action, add its name
# to the service's `actions` and rerun; to serve a new service, add an entry (see
# docs/checklists.md).
#
# What is kept from botocore, per shape: the type; structure members with the wire names the
# protocols use (`wire`: the query/ec2 request key, from locationName/queryName; `xml`: the
# response element name), required members; list member shape, member element name and
# flattened; map key/value shapes and their names; string enums; length/count/value bounds
# (min/max); timestamp formats. Documentation, patterns and deprecation notes are dropped.
import gzip
import json
import os
import sys

import botocore

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..'))
DATA = os.path.join(os.path.dirname(botocore.__file__), 'data')

SERVICES = [
    {
        'id': 'ecs',
        'model': 'ecs/2014-11-13',
        'out': 'src/local/ecs/shapes.gen.ts',
        'actions': """CreateCluster DescribeClusters ListClusters DeleteCluster RegisterTaskDefinition
            CreateCapacityProvider DescribeCapacityProviders UpdateCapacityProvider DeleteCapacityProvider PutClusterCapacityProviders
            DescribeTaskDefinition ListTaskDefinitions ListTaskDefinitionFamilies DeregisterTaskDefinition
            DeleteTaskDefinitions RegisterContainerInstance DeregisterContainerInstance
            DescribeContainerInstances ListContainerInstances UpdateContainerInstancesState RunTask
            StartTask StopTask DescribeTasks ListTasks CreateService UpdateService DeleteService
            DescribeServices ListServices TagResource UntagResource ListTagsForResource PutAttributes
            ListAttributes DeleteAttributes UpdateCluster UpdateClusterSettings
            PutAccountSetting PutAccountSettingDefault ListAccountSettings DeleteAccountSetting
            CreateTaskSet DescribeTaskSets UpdateTaskSet DeleteTaskSet UpdateServicePrimaryTaskSet
            ListServiceDeployments DescribeServiceDeployments DescribeServiceRevisions
            StopServiceDeployment ContinueServiceDeployment DiscoverPollEndpoint GetTaskProtection
            UpdateTaskProtection ListServicesByNamespace SubmitTaskStateChange SubmitContainerStateChange
            SubmitAttachmentStateChanges ExecuteCommand UpdateContainerAgent CreateDaemon UpdateDaemon
            DeleteDaemon DescribeDaemon ListDaemons ListDaemonDeployments DescribeDaemonDeployments
            DescribeDaemonRevisions RegisterDaemonTaskDefinition DescribeDaemonTaskDefinition
            ListDaemonTaskDefinitions DeleteDaemonTaskDefinition CreateExpressGatewayService
            UpdateExpressGatewayService DeleteExpressGatewayService DescribeExpressGatewayService""",
        # Every operation of the model, served or not (docs/ecs-operations.md is checked against it).
        'allOperations': True,
    },
    {
        'id': 'cloudformation',
        'model': 'cloudformation/2010-05-15',
        'out': 'src/local/cloudformation/shapes.gen.ts',
        'actions': """CreateStack UpdateStack DeleteStack CancelUpdateStack ContinueUpdateRollback
            DescribeStacks DescribeStackEvents DescribeStackResources DescribeStackResource
            ListStackResources ListStacks GetTemplate GetTemplateSummary ValidateTemplate ListExports""",
    },
    {
        'id': 'ec2',
        'model': 'ec2/2016-11-15',
        'out': 'src/local/ec2/shapes.gen.ts',
        'actions': """RunInstances TerminateInstances DescribeInstances DescribeInstanceStatus CreateVpc
            CreateNetworkInterface DeleteNetworkInterface DescribeNetworkInterfaces AttachNetworkInterface DetachNetworkInterface
            DeleteVpc DescribeVpcs CreateSubnet ModifySubnetAttribute DeleteSubnet DescribeSubnets
            CreateInternetGateway AttachInternetGateway DetachInternetGateway DeleteInternetGateway
            DescribeInternetGateways CreateRouteTable CreateRoute DeleteRoute AssociateRouteTable
            DisassociateRouteTable DeleteRouteTable DescribeRouteTables CreateSecurityGroup
            AuthorizeSecurityGroupIngress AuthorizeSecurityGroupEgress RevokeSecurityGroupIngress
            RevokeSecurityGroupEgress DeleteSecurityGroup DescribeSecurityGroups
            DescribeAvailabilityZones DescribeInstanceTypes DescribeRegions DescribeImages CreateKeyPair
            ImportKeyPair DescribeKeyPairs DeleteKeyPair CreateLaunchTemplate DeleteLaunchTemplate
            DescribeLaunchTemplates DescribeLaunchTemplateVersions CreateLaunchTemplateVersion
            ModifyLaunchTemplate CreateTags DeleteTags DescribeTags""",
    },
    {
        'id': 'autoscaling',
        'model': 'autoscaling/2011-01-01',
        'out': 'src/local/autoscaling/shapes.gen.ts',
        'actions': """CreateLaunchConfiguration DescribeLaunchConfigurations DeleteLaunchConfiguration
            CreateAutoScalingGroup UpdateAutoScalingGroup DeleteAutoScalingGroup
            DescribeAutoScalingGroups DescribeAutoScalingInstances SetDesiredCapacity
            TerminateInstanceInAutoScalingGroup DescribeScalingActivities PutScalingPolicy ExecutePolicy
            DescribePolicies DeletePolicy SetInstanceProtection PutLifecycleHook DescribeLifecycleHooks
            DeleteLifecycleHook CompleteLifecycleAction RecordLifecycleActionHeartbeat""",
    },
    {
        'id': 'elasticloadbalancing',
        'model': 'elb/2012-06-01',
        'out': 'src/local/elb/classic/shapes.gen.ts',
        'actions': """CreateLoadBalancer DescribeLoadBalancers DeleteLoadBalancer ConfigureHealthCheck
            RegisterInstancesWithLoadBalancer DeregisterInstancesFromLoadBalancer DescribeInstanceHealth
            AddTags DescribeTags""",
        # Faster health checks than AWS allows, as for ELB v2 below.
        'overrides': {
            'HealthCheckInterval': {'min': 1},
            'HealthCheckTimeout': {'min': 1},
        },
    },
    {
        'id': 'elasticloadbalancingv2',
        'model': 'elbv2/2015-12-01',
        'out': 'src/local/elb/v2/shapes.gen.ts',
        'actions': """CreateLoadBalancer DescribeLoadBalancers DeleteLoadBalancer CreateTargetGroup
            DescribeTargetGroups ModifyTargetGroup DeleteTargetGroup CreateListener DescribeListeners
            ModifyListener DeleteListener RegisterTargets DeregisterTargets DescribeTargetHealth AddTags
            RemoveTags DescribeTags DescribeTargetGroupAttributes""",
        # The local plane probes faster than AWS allows (1 s intervals and timeouts) so that tests
        # and demos react quickly: docs/local-runtime.md.
        'overrides': {
            'HealthCheckIntervalSeconds': {'min': 1},
            'HealthCheckTimeoutSeconds': {'min': 1},
        },
    },
    {
        'id': 'iam',
        'model': 'iam/2010-05-08',
        'out': 'src/local/iam/shapes.gen.ts',
        'actions': """CreateRole GetRole ListRoles UpdateAssumeRolePolicy DeleteRole AttachRolePolicy
            DetachRolePolicy ListAttachedRolePolicies PutRolePolicy GetRolePolicy ListRolePolicies
            DeleteRolePolicy CreateInstanceProfile GetInstanceProfile DeleteInstanceProfile
            AddRoleToInstanceProfile RemoveRoleFromInstanceProfile ListInstanceProfiles
            ListInstanceProfilesForRole CreatePolicy GetPolicy DeletePolicy ListPolicies""",
    },
    {
        'id': 'logs',
        'model': 'logs/2014-03-28',
        'out': 'src/local/logs/shapes.gen.ts',
        'actions': """CreateLogGroup DescribeLogGroups DeleteLogGroup PutRetentionPolicy
            DeleteRetentionPolicy CreateLogStream DeleteLogStream DescribeLogStreams PutLogEvents
            GetLogEvents FilterLogEvents""",
    },
    {
        'id': 'monitoring',
        'model': 'cloudwatch/2010-08-01',
        'out': 'src/local/cloudwatch/shapes.gen.ts',
        'actions': """PutMetricData GetMetricData GetMetricStatistics ListMetrics PutMetricAlarm DescribeAlarms
            DescribeAlarmsForMetric DeleteAlarms SetAlarmState DescribeAlarmHistory EnableAlarmActions
            DisableAlarmActions""",
    },
    {
        'id': 'application-autoscaling',
        'model': 'application-autoscaling/2016-02-06',
        'out': 'src/local/application-autoscaling/shapes.gen.ts',
        'actions': """RegisterScalableTarget DescribeScalableTargets DeregisterScalableTarget PutScalingPolicy
            DescribeScalingPolicies DeleteScalingPolicy DescribeScalingActivities PutScheduledAction
            DescribeScheduledActions DeleteScheduledAction""",
    },
]

SCALARS = {'string', 'integer', 'long', 'double', 'float', 'boolean', 'timestamp', 'blob'}


def load(model):
    path = os.path.join(DATA, model, 'service-2.json.gz')
    if os.path.exists(path):
        with gzip.open(path) as f:
            return json.load(f)
    with open(path[:-3]) as f:
        return json.load(f)


def cap(name):
    return name[:1].upper() + name[1:]


class Generator:
    def __init__(self, spec):
        self.spec = spec
        self.model = load(spec['model'])
        self.protocol = self.model['metadata']['protocol']
        # Services that also speak awsQuery (CloudWatch: rpc-v2-cbor, json and query) keep its names.
        self.query = self.protocol in ('query', 'ec2') or 'query' in self.model['metadata'].get('protocols', [])
        self.shapes = self.model['shapes']
        self.overrides = spec.get('overrides', {})
        self.out = {}

    def member(self, name, ref):
        """One structure member: its shape and the names it has on the wire."""
        target = self.shapes[ref['shape']]
        m = {'shape': ref['shape']}
        location = ref.get('locationName')
        flattened = ref.get('flattened') or target.get('flattened')
        if self.protocol == 'ec2':
            wire = ref.get('queryName') or (cap(location) if location else cap(name))
        else:
            wire = location or name
            # awsQuery: a flattened list with a named member is sent under that member's name.
            if flattened and target['type'] == 'list' and target['member'].get('locationName'):
                wire = target['member']['locationName']
        xml = location or name
        if flattened and target['type'] == 'list' and target['member'].get('locationName'):
            xml = target['member']['locationName']
        if self.query:
            if wire != name:
                m['wire'] = wire
            if xml != name:
                m['xml'] = xml
        if ref.get('flattened'):
            m['flattened'] = True
        if ref.get('timestampFormat'):
            m['timestampFormat'] = ref['timestampFormat']
        return m

    def bounds(self, name, s, d):
        for k in ('min', 'max'):
            if k in s:
                d[k] = s[k]
        d.update(self.overrides.get(name, {}))

    def visit(self, name):
        if name in self.out:
            return
        s = self.shapes[name]
        t = s['type']
        if t == 'structure':
            d = {'type': 'structure', 'members': {}}
            self.out[name] = d
            for k, ref in s['members'].items():
                if ref.get('location') in ('header', 'headers', 'uri', 'querystring', 'statusCode'):
                    continue
                d['members'][k] = self.member(k, ref)
            if s.get('required'):
                d['required'] = s['required']
            for ref in s['members'].values():
                self.visit(ref['shape'])
        elif t == 'list':
            d = {'type': 'list', 'member': s['member']['shape']}
            if s['member'].get('locationName'):
                d['memberName'] = s['member']['locationName']
            if s.get('flattened'):
                d['flattened'] = True
            self.bounds(name, s, d)
            self.out[name] = d
            self.visit(s['member']['shape'])
        elif t == 'map':
            d = {'type': 'map', 'key': s['key']['shape'], 'value': s['value']['shape']}
            if s['key'].get('locationName'):
                d['keyName'] = s['key']['locationName']
            if s['value'].get('locationName'):
                d['valueName'] = s['value']['locationName']
            if s.get('flattened'):
                d['flattened'] = True
            self.bounds(name, s, d)
            self.out[name] = d
            self.visit(s['key']['shape'])
            self.visit(s['value']['shape'])
        elif t in SCALARS:
            d = {'type': t}
            if t == 'string' and 'enum' in s:
                d['enum'] = s['enum']
            if t == 'timestamp' and s.get('timestampFormat'):
                d['timestampFormat'] = s['timestampFormat']
            self.bounds(name, s, d)
            self.out[name] = d
        else:
            raise SystemExit('%s: shape %s has unsupported type %s' % (self.spec['id'], name, t))

    def render(self):
        md = self.model['metadata']
        ops = {}
        for action in self.spec['actions'].split():
            op = self.model['operations'][action]
            o = {}
            if 'input' in op:
                o['input'] = op['input']['shape']
                self.visit(o['input'])
            if 'output' in op:
                o['output'] = op['output']['shape']
                if op['output'].get('resultWrapper'):
                    o['resultWrapper'] = op['output']['resultWrapper']
                self.visit(o['output'])
            ops[action] = o
        xmlns = md.get('xmlNamespace')
        if xmlns and not xmlns.endswith('/'):
            xmlns += '/'  # as the service writes it in its responses
        metadata = {
            'id': self.spec['id'],
            'protocol': self.protocol,
            'apiVersion': md['apiVersion'],
            'signingName': md.get('signingName') or md['endpointPrefix'],
        }
        if md.get('targetPrefix'):
            metadata['targetPrefix'] = md['targetPrefix']
        if md.get('jsonVersion'):
            metadata['jsonVersion'] = md['jsonVersion']
        if xmlns:
            metadata['xmlNamespace'] = xmlns
        if len(md.get('protocols', [])) > 1:
            metadata['protocols'] = md['protocols']
        if 'awsQueryCompatible' in md:
            # The json and cbor protocols name an error by its shape and give the query code in the
            # x-amzn-query-error header: the shape of each query code.
            metadata['errorShapes'] = {
                s.get('error', {}).get('code', n): n
                for n, s in sorted(self.shapes.items())
                if s.get('exception')
            }
        lines = [
            '/**',
            ' * GENERATED by src/local/protocol/model/generate.py from the botocore model %s' % self.spec['model'],
            ' * (botocore %s, Apache-2.0). Do not edit: add actions in generate.py and rerun it' % botocore.__version__,
            ' * (`npm run models`). The protocol metadata and the input and output shapes of the actions',
            ' * served; see src/local/protocol/model/types.ts.',
            ' */',
            "import type { ServiceModel } from '%s';" % self.types_import(),
            '',
            'export const model: ServiceModel = {',
            '  metadata: %s,' % dumps(metadata),
            '  operations: {',
        ]
        for action, o in ops.items():
            lines.append('    %s: %s,' % (action, dumps(o)))
        lines.append('  },')
        lines.append('  shapes: {')
        for name in sorted(self.out):
            lines.append('    %s: %s,' % (key(name), dumps(self.out[name])))
        lines.append('  },')
        lines.append('};')
        if self.spec.get('allOperations'):
            lines.append('')
            lines.append('/** Every operation of the model, served or not. */')
            lines.append('export const modelOperations: readonly string[] = %s;' % dumps(sorted(self.model['operations'])))
        return '\n'.join(lines) + '\n'

    def types_import(self):
        here = os.path.dirname(os.path.join(ROOT, self.spec['out']))
        rel = os.path.relpath(os.path.join(ROOT, 'src/local/protocol/model/types'), here)
        return rel if rel.startswith('.') else './' + rel


def key(name):
    return name if name.isidentifier() else json.dumps(name)


def dumps(value):
    """JSON, with identifier keys unquoted (the style prettier would leave)."""
    if isinstance(value, dict):
        return '{ ' + ', '.join('%s: %s' % (key(k), dumps(v)) for k, v in value.items()) + ' }' if value else '{}'
    if isinstance(value, list):
        return '[' + ', '.join(dumps(v) for v in value) + ']'
    if value is True:
        return 'true'
    if isinstance(value, str):
        return "'" + json.dumps(value)[1:-1].replace("\\\"", '"').replace("'", "\\'") + "'"
    return json.dumps(value)


def main():
    check = '--check' in sys.argv[1:]
    stale = []
    for spec in SERVICES:
        text = Generator(spec).render()
        path = os.path.join(ROOT, spec['out'])
        current = open(path).read() if os.path.exists(path) else None
        if current == text:
            continue
        if check:
            stale.append(spec['out'])
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(text)
            print('wrote', spec['out'])
    if stale:
        print('out of date (run python3 src/local/protocol/model/generate.py):', ', '.join(stale))
        sys.exit(1)


if __name__ == '__main__':
    main()
