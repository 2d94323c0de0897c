/**
 * The connector platforms as main serves them (`platforms:list`, from
 * resources/platforms): the renderer's only source of platform ids and names.
 */
import { useMemo } from 'react';
import { platformNaming, type PlatformNaming } from '../../../src-preload/contract/platform-vocabulary';
import { useChannelQuery } from './hooks';

/** Names for every platform; until the list arrives each name is the id itself. */
export function usePlatformNaming(): PlatformNaming {
  const platforms = useChannelQuery('platforms:list', {});
  return useMemo(() => platformNaming(platforms.data), [platforms.data]);
}
