# Relayproof: check SMTP AUTH readiness for one mailbox (read-only: changes nothing)
# Mailbox: 'support@contoso.com'
# Needs the Exchange Online PowerShell module: Install-Module ExchangeOnlineManagement -Scope CurrentUser
Connect-ExchangeOnline

# Organisation setting. False = SMTP AUTH allowed; True = off unless the mailbox overrides it.
Get-TransportConfig | Format-List SmtpClientAuthenticationDisabled

# Mailbox setting. False = allowed; True = blocked; empty ($null) = follows the organisation setting.
Get-CASMailbox -Identity 'support@contoso.com' | Format-List SmtpClientAuthenticationDisabled

# The mailbox exists: UserMailbox (a licensed user) or SharedMailbox.
Get-Mailbox -Identity 'support@contoso.com' | Format-List RecipientTypeDetails, PrimarySmtpAddress, AccountDisabled

# Who may send as this address (Send As, Send on Behalf).
Get-RecipientPermission -Identity 'support@contoso.com' -AccessRights SendAs
Get-Mailbox -Identity 'support@contoso.com' | Format-List GrantSendOnBehalfTo

# Authentication policies: AllowBasicAuthSmtp False blocks passwords for SMTP AUTH.
Get-AuthenticationPolicy | Format-List Name, AllowBasicAuthSmtp
Get-User -Identity 'support@contoso.com' | Format-List AuthenticationPolicy

# Users restricted from sending (after outbound spam).
Get-BlockedSenderAddress

# Security defaults and Conditional Access live in Microsoft Entra, not Exchange Online.
# With the Microsoft.Graph module, read them with:
#   Connect-MgGraph -Scopes 'Policy.Read.All'
#   Get-MgPolicyIdentitySecurityDefaultEnforcementPolicy | Format-List IsEnabled
#   Get-MgIdentityConditionalAccessPolicy -All | Format-Table DisplayName, State

Disconnect-ExchangeOnline -Confirm:$false
