# Relayproof: let one mailbox send on behalf of another address
# Sign-in mailbox (sends):   'relay@contoso.com'
# From address (sent as):    'support@contoso.com'
# Needs the Exchange Online PowerShell module: Install-Module ExchangeOnlineManagement -Scope CurrentUser
Connect-ExchangeOnline

# Before.
Get-Mailbox -Identity 'support@contoso.com' | Format-List GrantSendOnBehalfTo

# The fix. Recipients see "<sign-in mailbox> on behalf of <From address>".
Set-Mailbox -Identity 'support@contoso.com' -GrantSendOnBehalfTo @{Add='relay@contoso.com'}

# After: the sign-in mailbox is listed. Allow up to an hour, then send a test message.
Get-Mailbox -Identity 'support@contoso.com' | Format-List GrantSendOnBehalfTo

Disconnect-ExchangeOnline -Confirm:$false
