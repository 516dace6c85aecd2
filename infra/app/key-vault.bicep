// Key Vault (RBAC) holding the two secrets weqs reads as app settings through Key Vault references:
// the subscription clientState and the Teams Workflows webhook URL (its sig is a credential).
param name string
param location string
param tags object
param principalId string
@secure()
param subscriptionClientState string
@secure()
param teamsWebhookUrl string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
  }
}

resource clientState 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'weqs-subscription-client-state'
  properties: { value: subscriptionClientState }
}

resource webhook 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'weqs-teams-webhook-url'
  properties: { value: teamsWebhookUrl }
}

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

// Versionless references: a rotated secret is picked up without a redeployment.
output clientStateReference string = '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/${clientState.name})'
output teamsWebhookReference string = '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/${webhook.name})'
