# Relayproof: OAuth 2.0 app-only sending (SMTP.SendAsApp) for one mailbox
# Mailbox:                          'support@contoso.com'
# Application (client) ID:          '6e2f4a1b-93c5-4d7e-8f10-2a3b4c5d6e7f'
# Enterprise application object ID: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e'
#
# First, in the Microsoft Entra admin center (https://entra.microsoft.com):
#   1. App registrations > your app > API permissions > Add a permission >
#      APIs my organization uses > "Office 365 Exchange Online" > Application permissions >
#      SMTP.SendAsApp > Add permissions.
#   2. Still on API permissions: "Grant admin consent for <your organisation>" (Status: Granted).
#   3. Enterprise applications > your app > Overview: its Object ID is the object ID above
#      (not the Object ID shown under App registrations).
#   4. App registrations > your app > Certificates & secrets: a client secret (copy its Value)
#      or a certificate, for the connector.
# Needs the Exchange Online PowerShell module: Install-Module ExchangeOnlineManagement -Scope CurrentUser
Connect-ExchangeOnline

# Register the app's service principal in Exchange Online.
New-ServicePrincipal -AppId '6e2f4a1b-93c5-4d7e-8f10-2a3b4c5d6e7f' -ObjectId 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e'

# Let the app send from this mailbox.
Add-MailboxPermission -Identity 'support@contoso.com' -User 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' -AccessRights FullAccess

# SMTP AUTH must be on for the mailbox for XOAUTH2 too.
Set-CASMailbox -Identity 'support@contoso.com' -SmtpClientAuthenticationDisabled $false

# Check.
Get-ServicePrincipal -Identity 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' | Format-List DisplayName, AppId, ObjectId
Get-MailboxPermission -Identity 'support@contoso.com' -User 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e'

# The connector then signs in with AUTH XOAUTH2 as 'support@contoso.com', with a token from
# https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token (client credentials,
# scope https://outlook.office365.com/.default).

Disconnect-ExchangeOnline -Confirm:$false
