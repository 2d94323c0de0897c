import { Text } from '@fluentui/react-components';
import type { PlatformId } from '../../../../src-preload/contract';
import { useChannelQuery } from '../../api/hooks';

export interface FallbackSendingNoteProps {
  readonly platformId: PlatformId;
  /** The address is not verified yet: setup is still going on. */
  readonly settingUp: boolean;
  readonly className?: string | undefined;
}

/**
 * Where the platform's mail for this address leaves while the connector does not carry it
 * (resources/platforms `fallbackSending`): during setup from the account's default
 * address, while the address is disabled from the platform's own servers. Both are said
 * because neither shows up in any check of the address.
 */
export function FallbackSendingNote({ platformId, settingUp, className }: FallbackSendingNoteProps) {
  const platforms = useChannelQuery('platforms:list', {});
  const fallback = platforms.data?.find((p) => p.id === platformId)?.fallbackSending;
  if (fallback === undefined) return null;
  return (
    <Text as="p" size={200} className={className} data-testid="fallback-sending">
      {settingUp ? `${fallback.duringSetup} ` : ''}
      {fallback.whileDisabled}
    </Text>
  );
}
