# Relayproof: turn on SMTP AUTH for 3 mailboxes
# Mailboxes: listed in $mailboxes below.
# Needs the Exchange Online PowerShell module: Install-Module ExchangeOnlineManagement -Scope CurrentUser
Connect-ExchangeOnline

$mailboxes = @(
    'support@contoso.com'
    'billing@contoso.com'
    'no-reply+zendesk@eu.contoso.com'
)

# The fix: $false turns SMTP AUTH on for each mailbox, whatever the organisation setting says.
foreach ($mailbox in $mailboxes) {
    Set-CASMailbox -Identity $mailbox -SmtpClientAuthenticationDisabled $false
}

# After: every line should show False. Allow up to an hour before testing again.
$mailboxes | ForEach-Object { Get-CASMailbox -Identity $_ } | Format-Table PrimarySmtpAddress, SmtpClientAuthenticationDisabled

Disconnect-ExchangeOnline -Confirm:$false
