import { useSyncExternalStore } from 'react';
import { webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';
import type { Settings } from '../../../src-preload/contract';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

function prefersDark(): boolean {
  return window.matchMedia(DARK_QUERY).matches;
}

/** Fluent theme for the `theme` setting; 'system' follows the OS and updates live. */
export function useTheme(setting: Settings['theme'] | undefined): Theme {
  const systemDark = useSyncExternalStore(subscribe, prefersDark);
  const dark = setting === 'dark' || ((setting ?? 'system') === 'system' && systemDark);
  return dark ? webDarkTheme : webLightTheme;
}
