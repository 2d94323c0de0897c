import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { addressesSharingCredentials } from '../../../../src-preload/contract/shared-credentials';
import type { Platform } from '../../../../src-preload/contract/providers';
import { useChannelQuery } from '../../api/hooks';

export interface SharedCredentialsWarningProps {
  readonly platform: Platform | undefined;
  readonly host: string;
  readonly username: string;
  /** The wizard's own in-progress address: not a different address. */
  readonly addressId: string | null;
  /** The provider's username is the same for every account (SendGrid's `apikey`): nothing to compare. */
  readonly fixedUsername: boolean;
}

/**
 * Warns (never refuses) when another saved address already signs in with this username on
 * this server, naming it, for a platform whose prerequisites ask for unique credentials.
 */
export function SharedCredentialsWarning({ platform, host, username, addressId, fixedUsername }: SharedCredentialsWarningProps) {
  const rule = platform?.prerequisites?.find((p) => p.rule === 'unique-credentials');
  const addresses = useChannelQuery('addresses:list', {});
  if (rule === undefined || fixedUsername || addresses.data === undefined) return null;
  const others = addressesSharingCredentials({ host, username, excludeId: addressId }, addresses.data);
  if (others.length === 0) return null;
  const names = others.map((a) => a.address).join(', ');
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="shared-credentials">
      <MessageBarBody>
        <MessageBarTitle>
          {username.trim()} already signs in for {names}
        </MessageBarTitle>
        {rule.detail} You can continue with the same credentials; {platform?.shortName ?? 'the platform'} recommends a separate username and password for each address or brand.
      </MessageBarBody>
    </MessageBar>
  );
}
