# Relayproof: let one mailbox send as another address
# Sign-in mailbox (sends):   'relay@contoso.com'
# From address (sent as):    'support@contoso.com'
# Needs the Exchange Online PowerShell module: Install-Module ExchangeOnlineManagement -Scope CurrentUser
Connect-ExchangeOnline

# Before: who has Send As on the From address.
Get-RecipientPermission -Identity 'support@contoso.com' -AccessRights SendAs

# The fix. Recipients see only the From address.
Add-RecipientPermission -Identity 'support@contoso.com' -Trustee 'relay@contoso.com' -AccessRights SendAs -Confirm:$false

# After: the sign-in mailbox is listed. Allow up to an hour, then send a test message:
# Microsoft 365 checks Send As only when a message is submitted.
Get-RecipientPermission -Identity 'support@contoso.com' -Trustee 'relay@contoso.com'

Disconnect-ExchangeOnline -Confirm:$false
