<#
.SYNOPSIS
  Exchange RBAC for Applications: lets weqs's managed identity read, change and send mail in the
  work experience inbox and nowhere else (no tenant-wide Mail.* consent).

.DESCRIPTION
  Run in Exchange Online PowerShell (Connect-ExchangeOnline) as an Exchange administrator. The
  identity is named by both ids (azd outputs WEQS_IDENTITY_CLIENT_ID and WEQS_IDENTITY_PRINCIPAL_ID):
  New-ServicePrincipal takes the application id and the enterprise application's object id.
  https://learn.microsoft.com/exchange/permissions-exo/application-rbac

.EXAMPLE
  ./grant-exchange-rbac.ps1 -IdentityClientId <client id> -IdentityPrincipalId <object id> `
    -InboxAddress workexperience@contoso.nhs.uk -OtherMailbox someone.else@contoso.nhs.uk
#>
[CmdletBinding(SupportsShouldProcess)]
param(
  [Parameter(Mandatory)][Guid]$IdentityClientId,
  [Parameter(Mandatory)][Guid]$IdentityPrincipalId,
  [Parameter(Mandatory)][string]$InboxAddress,
  # Any other mailbox: the check at the end must show it is NOT in scope.
  [Parameter(Mandatory)][string]$OtherMailbox,
  [string]$ScopeName = 'weqs work experience inbox'
)
$ErrorActionPreference = 'Stop'

$principal = Get-ServicePrincipal -Identity $IdentityPrincipalId.ToString() -ErrorAction SilentlyContinue
if (-not $principal) {
  $principal = New-ServicePrincipal -AppId $IdentityClientId.ToString() -ObjectId $IdentityPrincipalId.ToString() -DisplayName 'weqs'
}
if ($principal.AppId -ne $IdentityClientId.ToString()) { throw "Exchange service principal $IdentityPrincipalId has application id $($principal.AppId), not $IdentityClientId." }

$inbox = Get-Mailbox -Identity $InboxAddress
$scope = Get-ManagementScope -Identity $ScopeName -ErrorAction SilentlyContinue
if (-not $scope) {
  $scope = New-ManagementScope -Name $ScopeName -RecipientRestrictionFilter "PrimarySmtpAddress -eq '$($inbox.PrimarySmtpAddress)'"
}

foreach ($role in 'Application Mail.Read', 'Application Mail.ReadWrite', 'Application Mail.Send') {
  $name = "weqs - $role"
  if (Get-ManagementRoleAssignment -Identity $name -ErrorAction SilentlyContinue) { Write-Host "$role: already assigned"; continue }
  if ($PSCmdlet.ShouldProcess($InboxAddress, "assign $role")) {
    New-ManagementRoleAssignment -Name $name -App $principal.AppId -Role $role -CustomResourceScope $scope.Name | Out-Null
    Write-Host "$role: assigned, scoped to $InboxAddress"
  }
}

# Show the result: every role InScope for the inbox, none for the other mailbox. Assignments can
# take up to two hours to apply to Graph requests; `npm run weqs -- doctor --other-mailbox` proves it.
Test-ServicePrincipalAuthorization -Identity $principal.AppId -Resource $InboxAddress | Format-Table RoleName, InScope
Test-ServicePrincipalAuthorization -Identity $principal.AppId -Resource $OtherMailbox | Format-Table RoleName, InScope
