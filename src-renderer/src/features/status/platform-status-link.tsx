import { Link, Text } from '@fluentui/react-components';
import type { PlatformId } from '../../../../src-preload/contract';
import { useChannelQuery } from '../../api/hooks';

export interface PlatformStatusLinkProps {
  /** The address's platform; nothing is shown for a platform without a status page in its data. */
  readonly platformId: PlatformId | 'all' | undefined;
  readonly className?: string | undefined;
}

/**
 * Next to a failure of a platform's address: the platform's own status page
 * (resources/platforms `statusPage`), since an incident on its side fails the same way.
 */
export function PlatformStatusLink({ platformId, className }: PlatformStatusLinkProps) {
  const platforms = useChannelQuery('platforms:list', {});
  const platform = platformId === undefined || platformId === 'all' ? undefined : platforms.data?.find((p) => p.id === platformId);
  const page = platform?.statusPage;
  if (platform === undefined || page === undefined) return null;
  return (
    <Text as="p" size={200} className={className} data-testid="platform-status-link">
      If {platform.shortName} itself has an incident, this fails too: check the{' '}
      <Link href={page.url} target="_blank" rel="noreferrer" inline>
        {page.title}
      </Link>
      .
    </Text>
  );
}
