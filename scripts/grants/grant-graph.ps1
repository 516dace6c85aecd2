<#
.SYNOPSIS
  Grants weqs's managed identity its Microsoft Graph application roles and its Work Experience
  site permission: Sites.Selected (tenant role) plus full control on that one site, and, only with
  -AllowGuestCreation, User.Invite.All and User.Read.All (weqs looks applicants up and invites the
  new ones as guests; pair it with the app setting WEQS_CREATE_GUESTS=true).

.DESCRIPTION
  Run as a Privileged Role Administrator (app roles) who is also a SharePoint Administrator (site
  permission). Names the identity by both ids so the wrong one cannot be granted: the values are
  azd outputs WEQS_IDENTITY_CLIENT_ID and WEQS_IDENTITY_PRINCIPAL_ID (`azd env get-values`).
  https://learn.microsoft.com/graph/permissions-selected-overview
  https://learn.microsoft.com/graph/api/site-post-permissions

.EXAMPLE
  ./grant-graph.ps1 -IdentityClientId <client id> -IdentityPrincipalId <object id> `
    -SiteHostname contoso.sharepoint.com -SitePath /sites/WorkExperience
#>
[CmdletBinding(SupportsShouldProcess)]
param(
  [Parameter(Mandatory)][Guid]$IdentityClientId,
  [Parameter(Mandatory)][Guid]$IdentityPrincipalId,
  [Parameter(Mandatory)][string]$SiteHostname,
  [Parameter(Mandatory)][ValidatePattern('^/sites/[A-Za-z0-9_-]+$')][string]$SitePath,
  [switch]$AllowGuestCreation
)
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.Graph.Applications
Connect-MgGraph -Scopes 'AppRoleAssignment.ReadWrite.All', 'Application.Read.All', 'Sites.FullControl.All' -NoWelcome

$identity = Get-MgServicePrincipal -ServicePrincipalId $IdentityPrincipalId
if ($identity.AppId -ne $IdentityClientId.ToString()) {
  throw "Service principal $IdentityPrincipalId has application id $($identity.AppId), not $IdentityClientId: check the two ids."
}
Write-Host "Granting to $($identity.DisplayName) (application id $($identity.AppId), object id $($identity.Id))"

$graph = Get-MgServicePrincipal -Filter "appId eq '00000003-0000-0000-c000-000000000000'"
$roles = @('Sites.Selected')
if ($AllowGuestCreation) { $roles += 'User.Invite.All', 'User.Read.All' }
$existing = Get-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $identity.Id
foreach ($name in $roles) {
  $role = $graph.AppRoles | Where-Object { $_.Value -eq $name -and $_.AllowedMemberTypes -contains 'Application' }
  if ($existing | Where-Object { $_.AppRoleId -eq $role.Id -and $_.ResourceId -eq $graph.Id }) { Write-Host "  $name: already granted"; continue }
  if ($PSCmdlet.ShouldProcess($identity.DisplayName, "grant Graph application role $name")) {
    New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $identity.Id -PrincipalId $identity.Id -ResourceId $graph.Id -AppRoleId $role.Id | Out-Null
    Write-Host "  $name: granted"
  }
}

# The site permission: full control, because sharing a folder with an applicant (invite) is a
# ManagePermissions right, which SharePoint has only in its Full Control level.
$site = Invoke-MgGraphRequest -Method GET -Uri "https://graph.microsoft.com/v1.0/sites/${SiteHostname}:${SitePath}"
$body = @{ roles = @('fullcontrol'); grantedToIdentities = @(@{ application = @{ id = $IdentityClientId.ToString(); displayName = $identity.DisplayName } }) } | ConvertTo-Json -Depth 5
if ($PSCmdlet.ShouldProcess($site.webUrl, 'grant fullcontrol to the identity')) {
  $permission = Invoke-MgGraphRequest -Method POST -Uri "https://graph.microsoft.com/v1.0/sites/$($site.id)/permissions" -Body $body -ContentType 'application/json'
  Write-Host "Site $($site.webUrl): permission $($permission.id) roles $($permission.roles -join ',')"
}
Write-Host 'Next: scripts/grants/grant-exchange-rbac.ps1, then `npm run weqs -- doctor`.'
