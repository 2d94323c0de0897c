# Relayproof: turn on SMTP AUTH for one mailbox
# Mailbox: 'support@contoso.com'
# Needs the Exchange Online PowerShell module: Install-Module ExchangeOnlineManagement -Scope CurrentUser
Connect-ExchangeOnline

# Before. False = on; True = off; empty ($null) = follows the organisation setting.
Get-CASMailbox -Identity 'support@contoso.com' | Format-List SmtpClientAuthenticationDisabled

# The fix: $false turns SMTP AUTH on for this mailbox, whatever the organisation setting says.
Set-CASMailbox -Identity 'support@contoso.com' -SmtpClientAuthenticationDisabled $false

# After: should show False. Allow up to an hour before testing again.
Get-CASMailbox -Identity 'support@contoso.com' | Format-List SmtpClientAuthenticationDisabled

Disconnect-ExchangeOnline -Confirm:$false
