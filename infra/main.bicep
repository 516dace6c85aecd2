// weqs on Azure: everything `azd up` creates, in the azd template layout. Every app setting weqs
// reads is set here, in `appSettings` below (test/infra/bicep.test.ts compares it with the settings
// schema in src/config.ts). Tenant grants (Graph, Exchange RBAC, Teams) are scripted separately:
// see docs/deploy.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(32)
@description('azd environment name; names and tags every resource.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Node.js major version of the Flex Consumption runtime. The bundle targets Node 20 syntax and runs on 22; Node 22 reaches end of life on 2027-04-30 (docs/deploy.md, Flex Consumption notes).')
@allowed(['22'])
param nodeVersion string = '22'

@description('Flex Consumption instance memory (MB). The instance size bounds the worker heap (see docs/deploy.md).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Flex Consumption maximum instance count (at least 40). Graph allows four concurrent requests per mailbox whatever the count.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('The work experience inbox (WEQS_INBOX_ADDRESS).')
param inboxAddress string

@description('SharePoint host name of the Work Experience site, e.g. contoso.sharepoint.com.')
param siteHostname string

@description('Server-relative path of the Work Experience site, e.g. /sites/WorkExperience.')
param sitePath string

@secure()
@description('Teams Workflows webhook URL (kept in Key Vault; its sig is a credential).')
param teamsWebhookUrl string

@secure()
@description('Random secret of 32-128 characters that Graph echoes in change notifications (kept in Key Vault).')
param subscriptionClientState string

@description('Wording of replies while no review cycle is published; empty: weqs\'s default wording.')
param reviewsPausedMessage string = ''

@description('Prefix of application references, 2-8 capital letters.')
param referencePrefix string = 'WEQS'

@description('Log level of weqs\'s own lines.')
@allowed(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
param logLevel string = 'info'

@description('WEQS_CREATE_GUESTS: weqs makes new applicants guests of the tenant before sharing their folder. Needs the User.Invite.All and User.Read.All grants (scripts/grants/grant-graph.ps1 -AllowGuestCreation).')
param createGuests bool = false

@description('Who awards the standard, named on certificates and in emails (WEQS_AWARDING_BODY).')
param awardingBody string = 'NHS England'

@description('Where awarded organisations download the digital logo (WEQS_DIGITAL_LOGO_URL); empty: emails say staff will send it.')
param digitalLogoUrl string = ''

@description('Staff rule beyond the published standard: every section needs a current document (WEQS_REQUIRE_EVIDENCE_IN_EVERY_SECTION).')
param requireEvidenceInEverySection bool = false

@description('Email address the alert rules notify; empty: alerts show in the portal only.')
param alertEmail string = ''

var tags = { 'azd-env-name': environmentName, application: 'weqs' }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var names = {
  resourceGroup: 'rg-${environmentName}'
  identity: 'id-weqs-${token}'
  storage: 'stweqs${take(token, 16)}'
  workspace: 'log-weqs-${token}'
  applicationInsights: 'appi-weqs-${token}'
  keyVault: 'kv-weqs-${take(token, 13)}'
  plan: 'plan-weqs-${token}'
  functionApp: 'func-weqs-${token}'
  deploymentContainer: 'app-package-weqs'
}
// Graph posts change notifications to these; the default host name of a Linux Function App.
var publicBaseUrl = 'https://${names.functionApp}.azurewebsites.net/api'

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: group
  params: { name: names.identity, location: location, tags: tags }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: group
  params: {
    name: names.storage
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    deploymentContainerName: names.deploymentContainer
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: group
  params: {
    workspaceName: names.workspace
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module keyVault 'app/key-vault.bicep' = {
  name: 'key-vault'
  scope: group
  params: {
    name: names.keyVault
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    subscriptionClientState: subscriptionClientState
    teamsWebhookUrl: teamsWebhookUrl
  }
}

// The one place app settings are set. Settings weqs reads are checked against src/config.ts; the
// others are the Functions host's own (identity-based storage, Application Insights with Entra ID).
var appSettings = {
  // Functions host: storage through the managed identity.
  // https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  // Functions host: telemetry with Entra ID (local auth is off on the component).
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  // weqs: identity and tenant.
  WEQS_TENANT_ID: tenant().tenantId
  WEQS_GRAPH_CREDENTIAL: 'managed-identity'
  WEQS_MANAGED_IDENTITY_CLIENT_ID: identity.outputs.clientId
  WEQS_GRAPH_TIMEOUT_MS: '30000'
  // weqs: Microsoft 365 addresses.
  WEQS_INBOX_ADDRESS: inboxAddress
  WEQS_SITE_HOSTNAME: siteHostname
  WEQS_SITE_PATH: sitePath
  WEQS_EVIDENCE_LIBRARY: 'Application evidence'
  WEQS_APPLICATIONS_LIST: 'Applications'
  WEQS_CALENDAR_LIST: 'Review calendar'
  WEQS_TEAMS_WEBHOOK_URL: keyVault.outputs.teamsWebhookReference
  WEQS_NOTIFICATION_URL: '${publicBaseUrl}/notifications'
  WEQS_LIFECYCLE_NOTIFICATION_URL: '${publicBaseUrl}/lifecycle'
  WEQS_SUBSCRIPTION_CLIENT_STATE: keyVault.outputs.clientStateReference
  // weqs: behaviour (the schema's defaults, visible and changeable in one place).
  WEQS_CALENDAR_CACHE_SECONDS: '300'
  WEQS_DEADLINE_REMINDER_DAYS: '28,14,7,1'
  WEQS_EXPIRY_REMINDER_DAYS: '90,30'
  WEQS_MAILBOX_SEND_LIMIT_PER_MINUTE: '30'
  WEQS_SEND_RATE_PER_MINUTE: '25'
  WEQS_MAILBOX_CONCURRENCY: '4'
  WEQS_SWEEP_GRACE_SECONDS: '60'
  WEQS_PROCESSING_LEASE_SECONDS: '300'
  WEQS_SENT_ITEMS_SETTLE_SECONDS: '60'
  WEQS_DEFER_BUSY_SECONDS: '15'
  WEQS_DEFER_SEND_UNKNOWN_SECONDS: '30'
  WEQS_DEFER_SEND_RATE_SECONDS: '60'
  WEQS_REVIEWS_PAUSED_MESSAGE: reviewsPausedMessage
  WEQS_REFERENCE_PREFIX: referencePrefix
  WEQS_LOG_LEVEL: logLevel
  WEQS_CREATE_GUESTS: createGuests ? 'true' : 'false'
  WEQS_AWARDING_BODY: awardingBody
  WEQS_DIGITAL_LOGO_URL: digitalLogoUrl
  WEQS_REQUIRE_EVIDENCE_IN_EVERY_SECTION: requireEvidenceInEverySection ? 'true' : 'false'
  WEQS_REPLY_LIMIT_PER_ADDRESS: '3'
  WEQS_REPLY_ADDRESS_WINDOW_HOURS: '24'
  WEQS_REPLY_LIMIT_PER_DOMAIN: '100'
  WEQS_REPLY_DOMAIN_WINDOW_MINUTES: '60'
  WEQS_SWEEP_MINUTES: '5'
  WEQS_SWEEP_MINUTES_WITHOUT_NOTIFICATIONS: '1'
}

module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  scope: group
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.outputs.id
    deploymentContainerUrl: '${storage.outputs.blobEndpoint}${names.deploymentContainer}'
    nodeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    appSettings: appSettings
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: group
  params: {
    namePrefix: 'weqs-${token}'
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.id
    alertEmail: alertEmail
  }
}

// azd reads these; the grant scripts and `weqs grant-site` need the identity's ids.
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output WEQS_NOTIFICATION_URL string = '${publicBaseUrl}/notifications'
output WEQS_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output WEQS_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output WEQS_TENANT_ID string = tenant().tenantId
