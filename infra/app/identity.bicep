// The one user-assigned managed identity weqs runs as: storage, Key Vault, Application Insights
// ingestion and Microsoft Graph (the tenant grants in docs/deploy.md name this identity).
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
