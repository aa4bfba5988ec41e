/**
 * Every resource type CloudFormation knows (the AWS provider types of us-east-1, from cfn-lint 1.51.0's
 * provider schemas): a template naming any other type is refused with "Unrecognized resource types".
 * The local engine creates only some of them (resources/index.ts); a known type it cannot create
 * fails at create time and the stack rolls back, as a resource failure would on AWS.
 * Generated; to refresh: python3 -c "import cfnlint.data.schemas.providers.us_east_1 as m; print(sorted(m.types))"
 */

/** Service -> its resource type names, space-separated (`AWS::<service>::<name>`). */
const AWS_TYPES: Record<string, string> = {
  ACMPCA: 'Certificate CertificateAuthority CertificateAuthorityActivation Permission',
  AIOps: 'InvestigationGroup',
  APS: 'AnomalyDetector ResourcePolicy RuleGroupsNamespace Scraper Workspace',
  ARCRegionSwitch: 'Plan',
  ARCZonalShift: 'AutoshiftObserverNotificationStatus ZonalAutoshiftConfiguration',
  AccessAnalyzer: 'Analyzer',
  AmazonMQ: 'Broker Configuration ConfigurationAssociation',
  Amplify: 'App Branch Domain',
  AmplifyUIBuilder: 'Component Form Theme',
  ApiGateway:
    'Account ApiKey Authorizer BasePathMapping BasePathMappingV2 ClientCertificate Deployment DocumentationPart DocumentationVersion DomainName DomainNameAccessAssociation DomainNameV2 GatewayResponse Method Model RequestValidator Resource RestApi Stage UsagePlan UsagePlanKey VpcLink',
  ApiGatewayV2:
    'Api ApiGatewayManagedOverrides ApiMapping Authorizer Deployment DomainName Integration IntegrationResponse Model Route RouteResponse RoutingRule Stage VpcLink',
  AppConfig:
    'Application ConfigurationProfile Deployment DeploymentStrategy Environment Extension ExtensionAssociation HostedConfigurationVersion',
  AppFlow: 'Connector ConnectorProfile Flow',
  AppIntegrations: 'Application DataIntegration EventIntegration',
  AppMesh: 'GatewayRoute Mesh Route VirtualGateway VirtualNode VirtualRouter VirtualService',
  AppRunner: 'AutoScalingConfiguration ObservabilityConfiguration Service VpcConnector VpcIngressConnection',
  AppStream:
    'AppBlock AppBlockBuilder Application ApplicationEntitlementAssociation ApplicationFleetAssociation DirectoryConfig Entitlement Fleet ImageBuilder Stack StackFleetAssociation StackUserAssociation User',
  AppSync:
    'Api ApiCache ApiKey ChannelNamespace DataSource DomainName DomainNameApiAssociation FunctionConfiguration GraphQLApi GraphQLSchema Resolver SourceApiAssociation',
  AppTest: 'TestCase',
  ApplicationAutoScaling: 'ScalableTarget ScalingPolicy',
  ApplicationInsights: 'Application',
  ApplicationSignals: 'Discovery GroupingConfiguration ServiceLevelObjective',
  Athena: 'CapacityReservation DataCatalog NamedQuery PreparedStatement WorkGroup',
  AuditManager: 'Assessment',
  AutoScaling: 'AutoScalingGroup LaunchConfiguration LifecycleHook ScalingPolicy ScheduledAction WarmPool',
  AutoScalingPlans: 'ScalingPlan',
  B2BI: 'Capability Partnership Profile Transformer',
  BCMDataExports: 'Export',
  Backup:
    'BackupPlan BackupSelection BackupVault Framework LogicallyAirGappedBackupVault ReportPlan RestoreTestingPlan RestoreTestingSelection TieringConfiguration',
  BackupGateway: 'Hypervisor',
  Batch:
    'ComputeEnvironment ConsumableResource JobDefinition JobQueue QuotaShare SchedulingPolicy ServiceEnvironment',
  BcmPricingCalculator: 'BillScenario',
  Bedrock:
    'Agent AgentAlias ApplicationInferenceProfile AutomatedReasoningPolicy AutomatedReasoningPolicyVersion Blueprint DataAutomationLibrary DataAutomationProject DataSource EnforcedGuardrailConfiguration Flow FlowAlias FlowVersion Guardrail GuardrailVersion IntelligentPromptRouter KnowledgeBase Prompt PromptVersion ResourcePolicy',
  BedrockAgentCore:
    'ApiKeyCredentialProvider BrowserCustom BrowserProfile CodeInterpreterCustom Evaluator Gateway GatewayTarget Memory OAuth2CredentialProvider OnlineEvaluationConfig Policy PolicyEngine Runtime RuntimeEndpoint WorkloadIdentity',
  BedrockMantle: 'Project',
  Billing: 'BillingView',
  BillingConductor: 'BillingGroup CustomLineItem PricingPlan PricingRule',
  Braket: 'SpendingLimit',
  Budgets: 'Budget BudgetsAction',
  CDK: 'Metadata',
  CE: 'AnomalyMonitor AnomalySubscription CostCategory',
  CUR: 'ReportDefinition',
  Cases: 'CaseRule Domain Field Layout Template',
  Cassandra: 'Keyspace Table Type',
  CertificateManager: 'Account Certificate',
  Chatbot: 'CustomAction MicrosoftTeamsChannelConfiguration SlackChannelConfiguration',
  Chime: 'AppInstance AppInstanceBot',
  CleanRooms:
    'AnalysisTemplate Collaboration ConfiguredTable ConfiguredTableAssociation IdMappingTable IdNamespaceAssociation Membership PrivacyBudgetTemplate',
  CleanRoomsML: 'ConfiguredModelAlgorithm ConfiguredModelAlgorithmAssociation TrainingDataset',
  Cloud9: 'EnvironmentEC2',
  CloudFormation:
    'CustomResource GuardHook HookDefaultVersion HookTypeConfig HookVersion LambdaHook Macro ModuleDefaultVersion ModuleVersion PublicTypeVersion Publisher ResourceDefaultVersion ResourceVersion Stack StackSet TypeActivation WaitCondition WaitConditionHandle',
  CloudFront:
    'AnycastIpList CachePolicy CloudFrontOriginAccessIdentity ConnectionFunction ConnectionGroup ContinuousDeploymentPolicy Distribution DistributionTenant Function KeyGroup KeyValueStore MonitoringSubscription OriginAccessControl OriginRequestPolicy PublicKey RealtimeLogConfig ResponseHeadersPolicy StreamingDistribution TrustStore VpcOrigin',
  CloudTrail: 'Channel Dashboard EventDataStore ResourcePolicy Trail',
  CloudWatch:
    'Alarm AlarmMuteRule AnomalyDetector CompositeAlarm Dashboard InsightRule MetricStream OTelEnrichment',
  CodeArtifact: 'Domain PackageGroup Repository',
  CodeBuild: 'Fleet Project ReportGroup SourceCredential',
  CodeCommit: 'Repository',
  CodeConnections: 'Connection',
  CodeDeploy: 'Application DeploymentConfig DeploymentGroup',
  CodeGuruProfiler: 'ProfilingGroup',
  CodeGuruReviewer: 'RepositoryAssociation',
  CodePipeline: 'CustomActionType Pipeline Webhook',
  CodeStar: 'GitHubRepository',
  CodeStarConnections: 'Connection RepositoryLink SyncConfiguration',
  CodeStarNotifications: 'NotificationRule',
  Cognito:
    'IdentityPool IdentityPoolPrincipalTag IdentityPoolRoleAttachment LogDeliveryConfiguration ManagedLoginBranding Terms UserPool UserPoolClient UserPoolDomain UserPoolGroup UserPoolIdentityProvider UserPoolResourceServer UserPoolRiskConfigurationAttachment UserPoolUICustomizationAttachment UserPoolUser UserPoolUserToGroupAttachment',
  Comprehend: 'DocumentClassifier Flywheel',
  ComputeOptimizer: 'AutomationRule',
  Config:
    'AggregationAuthorization ConfigRule ConfigurationAggregator ConfigurationRecorder ConformancePack DeliveryChannel OrganizationConfigRule OrganizationConformancePack RemediationConfiguration StoredQuery',
  Connect:
    'AgentStatus ApprovedOrigin ContactFlow ContactFlowModule ContactFlowModuleAlias ContactFlowModuleVersion ContactFlowVersion DataTable DataTableAttribute DataTableRecord EmailAddress EvaluationForm HoursOfOperation Instance InstanceStorageConfig IntegrationAssociation Notification PhoneNumber PredefinedAttribute Prompt Queue QuickConnect RoutingProfile Rule SecurityKey SecurityProfile TaskTemplate TrafficDistributionGroup User UserHierarchyGroup UserHierarchyStructure View ViewVersion Workspace',
  ConnectCampaigns: 'Campaign',
  ConnectCampaignsV2: 'Campaign',
  ControlTower: 'EnabledBaseline EnabledControl LandingZone',
  CustomerProfiles:
    'CalculatedAttributeDefinition Domain EventStream EventTrigger Integration ObjectType Recommender SegmentDefinition',
  DAX: 'Cluster ParameterGroup SubnetGroup',
  DLM: 'LifecyclePolicy',
  DMS: 'Certificate DataMigration DataProvider Endpoint EventSubscription InstanceProfile MigrationProject ReplicationConfig ReplicationInstance ReplicationSubnetGroup ReplicationTask',
  DSQL: 'Cluster',
  DataBrew: 'Dataset Job Project Recipe Ruleset Schedule',
  DataPipeline: 'Pipeline',
  DataSync:
    'Agent LocationAzureBlob LocationEFS LocationFSxLustre LocationFSxONTAP LocationFSxOpenZFS LocationFSxWindows LocationHDFS LocationNFS LocationObjectStorage LocationS3 LocationSMB Task',
  DataZone:
    'Connection DataSource Domain DomainUnit Environment EnvironmentActions EnvironmentBlueprintConfiguration EnvironmentProfile FormType GroupProfile Owner PolicyGrant Project ProjectMembership ProjectProfile SubscriptionTarget UserProfile',
  Deadline:
    'Farm Fleet LicenseEndpoint Limit MeteredProduct Monitor Queue QueueEnvironment QueueFleetAssociation QueueLimitAssociation StorageProfile',
  Detective: 'Graph MemberInvitation OrganizationAdmin',
  DevOpsAgent: 'AgentSpace Association PrivateConnection Service',
  DevOpsGuru: 'LogAnomalyDetectionIntegration NotificationChannel ResourceCollection',
  DirectConnect:
    'Connection DirectConnectGateway DirectConnectGatewayAssociation Lag PrivateVirtualInterface PublicVirtualInterface TransitVirtualInterface',
  DirectoryService: 'MicrosoftAD SimpleAD',
  DocDB: 'DBCluster DBClusterParameterGroup DBInstance DBSubnetGroup EventSubscription GlobalCluster',
  DocDBElastic: 'Cluster',
  DynamoDB: 'GlobalTable Table',
  EC2: 'CapacityManagerDataExport CapacityReservation CapacityReservationFleet CarrierGateway ClientVpnAuthorizationRule ClientVpnEndpoint ClientVpnRoute ClientVpnTargetNetworkAssociation CustomerGateway DHCPOptions EC2Fleet EIP EIPAssociation EgressOnlyInternetGateway EnclaveCertificateIamRoleAssociation FlowLog GatewayRouteTableAssociation Host IPAM IPAMAllocation IPAMPool IPAMPoolCidr IPAMPrefixListResolver IPAMPrefixListResolverTarget IPAMResourceDiscovery IPAMResourceDiscoveryAssociation IPAMScope Instance InstanceConnectEndpoint InternetGateway IpPoolRouteTableAssociation KeyPair LaunchTemplate LocalGatewayRoute LocalGatewayRouteTable LocalGatewayRouteTableVPCAssociation LocalGatewayRouteTableVirtualInterfaceGroupAssociation LocalGatewayVirtualInterface LocalGatewayVirtualInterfaceGroup NatGateway NetworkAcl NetworkAclEntry NetworkInsightsAccessScope NetworkInsightsAccessScopeAnalysis NetworkInsightsAnalysis NetworkInsightsPath NetworkInterface NetworkInterfaceAttachment NetworkInterfacePermission NetworkPerformanceMetricSubscription PlacementGroup PrefixList Route RouteServer RouteServerAssociation RouteServerEndpoint RouteServerPeer RouteServerPropagation RouteTable SecurityGroup SecurityGroupEgress SecurityGroupIngress SecurityGroupVpcAssociation SnapshotBlockPublicAccess SpotFleet SqlHaStandbyDetectedInstance Subnet SubnetCidrBlock SubnetNetworkAclAssociation SubnetRouteTableAssociation TrafficMirrorFilter TrafficMirrorFilterRule TrafficMirrorSession TrafficMirrorTarget TransitGateway TransitGatewayAttachment TransitGatewayConnect TransitGatewayConnectPeer TransitGatewayMeteringPolicy TransitGatewayMeteringPolicyEntry TransitGatewayMulticastDomain TransitGatewayMulticastDomainAssociation TransitGatewayMulticastGroupMember TransitGatewayMulticastGroupSource TransitGatewayPeeringAttachment TransitGatewayRoute TransitGatewayRouteTable TransitGatewayRouteTableAssociation TransitGatewayRouteTablePropagation TransitGatewayVpcAttachment VPC VPCBlockPublicAccessExclusion VPCBlockPublicAccessOptions VPCCidrBlock VPCDHCPOptionsAssociation VPCEncryptionControl VPCEndpoint VPCEndpointConnectionNotification VPCEndpointService VPCEndpointServicePermissions VPCGatewayAttachment VPCPeeringConnection VPNConcentrator VPNConnection VPNConnectionRoute VPNGateway VPNGatewayRoutePropagation VerifiedAccessEndpoint VerifiedAccessGroup VerifiedAccessInstance VerifiedAccessTrustProvider Volume VolumeAttachment',
  ECR: 'PublicRepository PullThroughCacheRule PullTimeUpdateExclusion RegistryPolicy RegistryScanningConfiguration ReplicationConfiguration Repository RepositoryCreationTemplate SigningConfiguration',
  ECS: 'CapacityProvider Cluster ClusterCapacityProviderAssociations Daemon DaemonTaskDefinition ExpressGatewayService PrimaryTaskSet Service TaskDefinition TaskSet',
  EFS: 'AccessPoint FileSystem MountTarget',
  EKS: 'AccessEntry Addon Capability Cluster FargateProfile IdentityProviderConfig Nodegroup PodIdentityAssociation',
  EMR: 'Cluster InstanceFleetConfig InstanceGroupConfig SecurityConfiguration Step Studio StudioSessionMapping WALWorkspace',
  EMRContainers: 'Endpoint SecurityConfiguration VirtualCluster',
  EMRServerless: 'Application',
  EVS: 'Environment',
  ElastiCache:
    'CacheCluster GlobalReplicationGroup ParameterGroup ReplicationGroup SecurityGroup SecurityGroupIngress ServerlessCache SubnetGroup User UserGroup',
  ElasticBeanstalk: 'Application ApplicationVersion ConfigurationTemplate Environment',
  ElasticLoadBalancing: 'LoadBalancer',
  ElasticLoadBalancingV2:
    'Listener ListenerCertificate ListenerRule LoadBalancer TargetGroup TrustStore TrustStoreRevocation',
  Elasticsearch: 'Domain',
  ElementalInference: 'Feed',
  EntityResolution: 'IdMappingWorkflow IdNamespace MatchingWorkflow PolicyStatement SchemaMapping',
  EventSchemas: 'Discoverer Registry RegistryPolicy Schema',
  Events: 'ApiDestination Archive Connection Endpoint EventBus EventBusPolicy Rule',
  Evidently: 'Experiment Feature Launch Project Segment',
  FIS: 'ExperimentTemplate TargetAccountConfiguration',
  FMS: 'NotificationChannel Policy ResourceSet',
  FSx: 'DataRepositoryAssociation FileSystem S3AccessPointAttachment Snapshot StorageVirtualMachine Volume',
  FinSpace: 'Environment',
  Forecast: 'Dataset DatasetGroup',
  FraudDetector: 'Detector EntityType EventType Label List Outcome Variable',
  GameLift:
    'Alias Build ContainerFleet ContainerGroupDefinition Fleet GameServerGroup GameSessionQueue Location MatchmakingConfiguration MatchmakingRuleSet Script',
  GlobalAccelerator: 'Accelerator CrossAccountAttachment EndpointGroup Listener',
  Glue: 'Catalog Classifier Connection Crawler CustomEntityType DataCatalogEncryptionSettings DataQualityRuleset Database DevEndpoint IdentityCenterConfiguration Integration IntegrationResourceProperty Job MLTransform Partition Registry Schema SchemaVersion SchemaVersionMetadata SecurityConfiguration Table TableOptimizer Trigger UsageProfile Workflow',
  Grafana: 'Workspace',
  Greengrass:
    'ConnectorDefinition ConnectorDefinitionVersion CoreDefinition CoreDefinitionVersion DeviceDefinition DeviceDefinitionVersion FunctionDefinition FunctionDefinitionVersion Group GroupVersion LoggerDefinition LoggerDefinitionVersion ResourceDefinition ResourceDefinitionVersion SubscriptionDefinition SubscriptionDefinitionVersion',
  GreengrassV2: 'ComponentVersion Deployment',
  GroundStation: 'Config DataflowEndpointGroup DataflowEndpointGroupV2 MissionProfile',
  GuardDuty:
    'Detector Filter IPSet MalwareProtectionPlan Master Member PublishingDestination ThreatEntitySet ThreatIntelSet TrustedEntitySet',
  HealthImaging: 'Datastore',
  HealthLake: 'FHIRDatastore',
  IAM: 'AccessKey Group GroupPolicy InstanceProfile ManagedPolicy OIDCProvider Policy Role RolePolicy SAMLProvider ServerCertificate ServiceLinkedRole User UserPolicy UserToGroupAddition VirtualMFADevice',
  IVS: 'Channel EncoderConfiguration IngestConfiguration PlaybackKeyPair PlaybackRestrictionPolicy PublicKey RecordingConfiguration Stage StorageConfiguration StreamKey',
  IVSChat: 'LoggingConfiguration Room',
  IdentityStore: 'Group GroupMembership',
  ImageBuilder:
    'Component ContainerRecipe DistributionConfiguration Image ImagePipeline ImageRecipe InfrastructureConfiguration LifecyclePolicy Workflow',
  Inspector: 'AssessmentTarget AssessmentTemplate ResourceGroup',
  InspectorV2: 'CisScanConfiguration CodeSecurityIntegration CodeSecurityScanConfiguration Filter',
  Interconnect: 'Connection',
  InternetMonitor: 'Monitor',
  Invoicing: 'InvoiceUnit',
  IoT: 'AccountAuditConfiguration Authorizer BillingGroup CACertificate Certificate CertificateProvider Command CustomMetric Dimension DomainConfiguration EncryptionConfiguration FleetMetric JobTemplate Logging MitigationAction Policy PolicyPrincipalAttachment ProvisioningTemplate ResourceSpecificLogging RoleAlias ScheduledAudit SecurityProfile SoftwarePackage SoftwarePackageVersion Thing ThingGroup ThingPrincipalAttachment ThingType TopicRule TopicRuleDestination',
  IoTAnalytics: 'Channel Dataset Datastore Pipeline',
  IoTCoreDeviceAdvisor: 'SuiteDefinition',
  IoTEvents: 'AlarmModel DetectorModel Input',
  IoTFleetWise: 'Campaign DecoderManifest Fleet ModelManifest SignalCatalog StateTemplate Vehicle',
  IoTSiteWise: 'AccessPolicy Asset AssetModel ComputationModel Dashboard Dataset Gateway Portal Project',
  IoTThingsGraph: 'FlowTemplate',
  IoTTwinMaker: 'ComponentType Entity Scene SyncJob Workspace',
  IoTWireless:
    'Destination DeviceProfile FuotaTask MulticastGroup NetworkAnalyzerConfiguration PartnerAccount ServiceProfile TaskDefinition WirelessDevice WirelessDeviceImportTask WirelessGateway',
  KMS: 'Alias Key ReplicaKey',
  KafkaConnect: 'Connector CustomPlugin WorkerConfiguration',
  Kendra: 'DataSource Faq Index',
  KendraRanking: 'ExecutionPlan',
  Kinesis: 'ResourcePolicy Stream StreamConsumer',
  KinesisAnalytics: 'Application ApplicationOutput ApplicationReferenceDataSource',
  KinesisAnalyticsV2:
    'Application ApplicationCloudWatchLoggingOption ApplicationOutput ApplicationReferenceDataSource',
  KinesisFirehose: 'DeliveryStream',
  KinesisVideo: 'SignalingChannel Stream',
  LakeFormation:
    'DataCellsFilter DataLakeSettings Permissions PrincipalPermissions Resource Tag TagAssociation',
  Lambda:
    'Alias CapacityProvider CodeSigningConfig EventInvokeConfig EventSourceMapping Function LayerVersion LayerVersionPermission Permission Url Version',
  LaunchWizard: 'Deployment',
  Lex: 'Bot BotAlias BotVersion ResourcePolicy',
  LicenseManager: 'Grant License',
  Lightsail:
    'Alarm Bucket Certificate Container Database DatabaseSnapshot Disk DiskSnapshot Distribution Domain Instance InstanceSnapshot LoadBalancer LoadBalancerTlsCertificate StaticIp',
  Location: 'APIKey GeofenceCollection Map PlaceIndex RouteCalculator Tracker TrackerConsumer',
  Logs: 'AccountPolicy Delivery DeliveryDestination DeliverySource Destination Integration LogAnomalyDetector LogGroup LogStream MetricFilter QueryDefinition ResourcePolicy ScheduledQuery SubscriptionFilter Transformer',
  LookoutEquipment: 'InferenceScheduler',
  LookoutVision: 'Project',
  M2: 'Application Deployment Environment',
  MPA: 'ApprovalTeam IdentitySource',
  MSK: 'BatchScramSecret Cluster ClusterPolicy Configuration Replicator ServerlessCluster Topic VpcConnection',
  MWAA: 'Environment',
  MWAAServerless: 'Workflow',
  Macie: 'AllowList CustomDataIdentifier FindingsFilter Session',
  ManagedBlockchain: 'Accessor Member Node',
  MediaConnect:
    'Bridge BridgeOutput BridgeSource Flow FlowEntitlement FlowOutput FlowSource FlowVpcInterface Gateway RouterInput RouterNetworkInterface RouterOutput',
  MediaConvert: 'JobTemplate Preset Queue',
  MediaLive:
    'Channel ChannelPlacementGroup CloudWatchAlarmTemplate CloudWatchAlarmTemplateGroup Cluster EventBridgeRuleTemplate EventBridgeRuleTemplateGroup Input InputSecurityGroup Multiplex Multiplexprogram Network SdiSource SignalMap',
  MediaPackage: 'Asset Channel OriginEndpoint PackagingConfiguration PackagingGroup',
  MediaPackageV2: 'Channel ChannelGroup ChannelPolicy OriginEndpoint OriginEndpointPolicy',
  MediaStore: 'Container',
  MediaTailor: 'Channel ChannelPolicy LiveSource PlaybackConfiguration SourceLocation VodSource',
  MemoryDB: 'ACL Cluster MultiRegionCluster ParameterGroup SubnetGroup User',
  Neptune: 'DBCluster DBClusterParameterGroup DBInstance DBParameterGroup DBSubnetGroup EventSubscription',
  NeptuneGraph: 'Graph GraphSnapshot PrivateGraphEndpoint',
  NetworkFirewall:
    'Firewall FirewallPolicy LoggingConfiguration RuleGroup TLSInspectionConfiguration VpcEndpointAssociation',
  NetworkManager:
    'ConnectAttachment ConnectPeer CoreNetwork CoreNetworkPrefixListAssociation CustomerGatewayAssociation Device DirectConnectGatewayAttachment GlobalNetwork Link LinkAssociation Site SiteToSiteVpnAttachment TransitGatewayPeering TransitGatewayRegistration TransitGatewayRouteTableAttachment VpcAttachment',
  Notifications:
    'ChannelAssociation EventRule ManagedNotificationAccountContactAssociation ManagedNotificationAdditionalChannelAssociation NotificationConfiguration NotificationHub OrganizationalUnitAssociation',
  NotificationsContacts: 'EmailContact',
  NovaAct: 'WorkflowDefinition',
  ODB: 'CloudAutonomousVmCluster CloudExadataInfrastructure CloudVmCluster OdbNetwork OdbPeeringConnection',
  OSIS: 'Pipeline',
  Oam: 'Link Sink',
  ObservabilityAdmin:
    'OrganizationCentralizationRule OrganizationTelemetryRule S3TableIntegration TelemetryEnrichment TelemetryPipelines TelemetryRule',
  Omics:
    'AnnotationStore Configuration ReferenceStore RunGroup SequenceStore VariantStore Workflow WorkflowVersion',
  OpenSearchServerless:
    'AccessPolicy Collection CollectionGroup Index LifecyclePolicy SecurityConfig SecurityPolicy VpcEndpoint',
  OpenSearchService: 'Application Domain',
  OpsWorks: 'App ElasticLoadBalancerAttachment Instance Layer Stack UserProfile Volume',
  Organizations: 'Account Organization OrganizationalUnit Policy ResourcePolicy',
  PCAConnectorAD:
    'Connector DirectoryRegistration ServicePrincipalName Template TemplateGroupAccessControlEntry',
  PCAConnectorSCEP: 'Challenge Connector',
  PCS: 'Cluster ComputeNodeGroup Queue',
  Panorama: 'ApplicationInstance Package PackageVersion',
  PaymentCryptography: 'Alias Key',
  Personalize: 'Dataset DatasetGroup Schema Solution',
  Pinpoint:
    'ADMChannel APNSChannel APNSSandboxChannel APNSVoipChannel APNSVoipSandboxChannel App ApplicationSettings BaiduChannel Campaign EmailChannel EmailTemplate EventStream GCMChannel InAppTemplate PushTemplate SMSChannel Segment SmsTemplate VoiceChannel',
  PinpointEmail: 'ConfigurationSet ConfigurationSetEventDestination DedicatedIpPool Identity',
  Pipes: 'Pipe',
  Proton: 'EnvironmentAccountConnection EnvironmentTemplate ServiceTemplate',
  QBusiness: 'Application DataAccessor DataSource Index Permission Plugin Retriever WebExperience',
  QLDB: 'Ledger Stream',
  QuickSight:
    'ActionConnector Analysis CustomPermissions Dashboard DataSet DataSource Folder RefreshSchedule Template Theme Topic VPCConnection',
  RAM: 'Permission ResourceShare',
  RDS: 'CustomDBEngineVersion DBCluster DBClusterParameterGroup DBInstance DBParameterGroup DBProxy DBProxyEndpoint DBProxyTargetGroup DBSecurityGroup DBSecurityGroupIngress DBShardGroup DBSubnetGroup EventSubscription GlobalCluster Integration OptionGroup',
  RTBFabric: 'InboundExternalLink Link OutboundExternalLink RequesterGateway ResponderGateway',
  RUM: 'AppMonitor',
  Rbin: 'Rule',
  Redshift:
    'Cluster ClusterParameterGroup ClusterSecurityGroup ClusterSecurityGroupIngress ClusterSubnetGroup EndpointAccess EndpointAuthorization EventSubscription Integration ScheduledAction',
  RedshiftServerless: 'Namespace Snapshot Workgroup',
  RefactorSpaces: 'Application Environment Route Service',
  Rekognition: 'Collection Project StreamProcessor',
  ResilienceHub: 'App ResiliencyPolicy',
  ResourceExplorer2: 'DefaultViewAssociation Index View',
  ResourceGroups: 'Group TagSyncTask',
  RoboMaker:
    'Fleet Robot RobotApplication RobotApplicationVersion SimulationApplication SimulationApplicationVersion',
  RolesAnywhere: 'CRL Profile TrustAnchor',
  Route53: 'CidrCollection DNSSEC HealthCheck HostedZone KeySigningKey RecordSet RecordSetGroup',
  Route53GlobalResolver:
    'AccessSource AccessToken DnsView FirewallDomainList FirewallRule GlobalResolver HostedZoneAssociation',
  Route53Profiles: 'Profile ProfileAssociation ProfileResourceAssociation',
  Route53RecoveryControl: 'Cluster ControlPanel RoutingControl SafetyRule',
  Route53RecoveryReadiness: 'Cell ReadinessCheck RecoveryGroup ResourceSet',
  Route53Resolver:
    'FirewallDomainList FirewallRuleGroup FirewallRuleGroupAssociation OutpostResolver ResolverConfig ResolverDNSSECConfig ResolverEndpoint ResolverQueryLoggingConfig ResolverQueryLoggingConfigAssociation ResolverRule ResolverRuleAssociation',
  S3: 'AccessGrant AccessGrantsInstance AccessGrantsLocation AccessPoint Bucket BucketPolicy MultiRegionAccessPoint MultiRegionAccessPointPolicy StorageLens StorageLensGroup',
  S3Express: 'AccessPoint BucketPolicy DirectoryBucket',
  S3Files: 'AccessPoint FileSystem FileSystemPolicy MountTarget',
  S3ObjectLambda: 'AccessPoint AccessPointPolicy',
  S3Outposts: 'AccessPoint Bucket BucketPolicy Endpoint',
  S3Tables: 'Namespace Table TableBucket TableBucketPolicy TablePolicy',
  S3Vectors: 'Index VectorBucket VectorBucketPolicy',
  SDB: 'Domain',
  SES: 'ConfigurationSet ConfigurationSetEventDestination ContactList CustomVerificationEmailTemplate DedicatedIpPool EmailIdentity MailManagerAddonInstance MailManagerAddonSubscription MailManagerAddressList MailManagerArchive MailManagerIngressPoint MailManagerRelay MailManagerRuleSet MailManagerTrafficPolicy MultiRegionEndpoint ReceiptFilter ReceiptRule ReceiptRuleSet Template Tenant VdmAttributes',
  SMSVOICE: 'ConfigurationSet OptOutList PhoneNumber Pool ProtectConfiguration ResourcePolicy SenderId',
  SNS: 'Subscription Topic TopicInlinePolicy TopicPolicy',
  SQS: 'Queue QueueInlinePolicy QueuePolicy',
  SSM: 'Association Document MaintenanceWindow MaintenanceWindowTarget MaintenanceWindowTask Parameter PatchBaseline ResourceDataSync ResourcePolicy',
  SSMContacts: 'Contact ContactChannel Plan Rotation',
  SSMGuiConnect: 'Preferences',
  SSMIncidents: 'ReplicationSet ResponsePlan',
  SSMQuickSetup: 'ConfigurationManager LifecycleAutomation',
  SSO: 'Application ApplicationAssignment Assignment Instance InstanceAccessControlAttributeConfiguration PermissionSet',
  SageMaker:
    'App AppImageConfig Cluster CodeRepository DataQualityJobDefinition Device DeviceFleet Domain Endpoint EndpointConfig FeatureGroup Image ImageVersion InferenceComponent InferenceExperiment MlflowTrackingServer Model ModelBiasJobDefinition ModelCard ModelExplainabilityJobDefinition ModelPackage ModelPackageGroup ModelQualityJobDefinition MonitoringSchedule NotebookInstance NotebookInstanceLifecycleConfig PartnerApp Pipeline ProcessingJob Project Space StudioLifecycleConfig UserProfile Workteam',
  Scheduler: 'Schedule ScheduleGroup',
  SecretsManager: 'ResourcePolicy RotationSchedule Secret SecretTargetAttachment',
  SecurityAgent: 'AgentSpace Application Pentest TargetDomain',
  SecurityHub:
    'AggregatorV2 AutomationRule AutomationRuleV2 ConfigurationPolicy ConnectorV2 DelegatedAdmin FindingAggregator Hub HubV2 Insight OrganizationConfiguration PolicyAssociation ProductSubscription SecurityControl Standard',
  SecurityLake: 'AwsLogSource DataLake Subscriber SubscriberNotification',
  ServiceCatalog:
    'AcceptedPortfolioShare CloudFormationProduct CloudFormationProvisionedProduct LaunchNotificationConstraint LaunchRoleConstraint LaunchTemplateConstraint Portfolio PortfolioPrincipalAssociation PortfolioProductAssociation PortfolioShare ResourceUpdateConstraint ServiceAction ServiceActionAssociation StackSetConstraint TagOption TagOptionAssociation',
  ServiceCatalogAppRegistry: 'Application AttributeGroup AttributeGroupAssociation ResourceAssociation',
  ServiceDiscovery: 'HttpNamespace Instance PrivateDnsNamespace PublicDnsNamespace Service',
  Shield: 'DRTAccess ProactiveEngagement Protection ProtectionGroup',
  Signer: 'ProfilePermission SigningProfile',
  SimSpaceWeaver: 'Simulation',
  StepFunctions: 'Activity StateMachine StateMachineAlias StateMachineVersion',
  SupportApp: 'AccountAlias SlackChannelConfiguration SlackWorkspaceConfiguration',
  Synthetics: 'Canary Group',
  SystemsManagerSAP: 'Application',
  Timestream: 'Database InfluxDBCluster InfluxDBInstance ScheduledQuery Table',
  Transfer: 'Agreement Certificate Connector Profile Server User WebApp Workflow',
  UXC: 'AccountCustomization',
  VerifiedPermissions: 'IdentitySource Policy PolicyStore PolicyTemplate',
  VoiceID: 'Domain',
  VpcLattice:
    'AccessLogSubscription AuthPolicy DomainVerification Listener ResourceConfiguration ResourceGateway ResourcePolicy Rule Service ServiceNetwork ServiceNetworkResourceAssociation ServiceNetworkServiceAssociation ServiceNetworkVpcAssociation TargetGroup',
  WAF: 'ByteMatchSet IPSet Rule SizeConstraintSet SqlInjectionMatchSet WebACL XssMatchSet',
  WAFRegional:
    'ByteMatchSet GeoMatchSet IPSet RateBasedRule RegexPatternSet Rule SizeConstraintSet SqlInjectionMatchSet WebACL WebACLAssociation XssMatchSet',
  WAFv2: 'IPSet LoggingConfiguration RegexPatternSet RuleGroup WebACL WebACLAssociation',
  Wisdom:
    'AIAgent AIAgentVersion AIGuardrail AIGuardrailVersion AIPrompt AIPromptVersion Assistant AssistantAssociation KnowledgeBase MessageTemplate MessageTemplateVersion QuickResponse',
  WorkSpaces: 'ConnectionAlias Workspace WorkspacesPool',
  WorkSpacesThinClient: 'Environment',
  WorkSpacesWeb:
    'BrowserSettings DataProtectionSettings IdentityProvider IpAccessSettings NetworkSettings Portal SessionLogger TrustStore UserAccessLoggingSettings UserSettings',
  WorkspacesInstances: 'Volume VolumeAssociation WorkspaceInstance',
  XRay: 'Group ResourcePolicy SamplingRule TransactionSearchConfig',
};

const known = new Set<string>([
  ...Object.entries(AWS_TYPES).flatMap(([service, names]) =>
    names.split(' ').map((n) => `AWS::${service}::${n}`),
  ),
  'Alexa::ASK::Skill',
]);

/** Whether CloudFormation recognizes `type`: a known type or a custom resource (`Custom::Name`). */
export function isRecognizedResourceType(type: string): boolean {
  return known.has(type) || /^Custom::[A-Za-z0-9_@-]{1,60}$/.test(type);
}
