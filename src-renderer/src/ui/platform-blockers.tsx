import { makeStyles, MessageBar, MessageBarBody, MessageBarTitle, tokens } from '@fluentui/react-components';
import type { PlatformBlocker } from '../../../src-preload/contract/platform-readiness';

const useStyles = makeStyles({
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  fix: { display: 'block', marginTop: tokens.spacingVerticalXXS },
});

export interface PlatformBlockersProps {
  readonly blockers: readonly PlatformBlocker[];
  /** The platform as the admin knows it (`Zendesk`); absent = "the platform". */
  readonly platformName?: string | undefined;
  /** What the blockers come from, e.g. "The last connection test passed here". */
  readonly lead?: string | undefined;
  readonly testId?: string | undefined;
}

/**
 * Why the platform will not work with what passed on this workstation: each blocker's
 * message and its fix. Shown before anything green, so a pass here is never read as
 * "ready" (nothing is rendered when there is no blocker).
 */
export function PlatformBlockers({ blockers, platformName, lead, testId }: PlatformBlockersProps) {
  const styles = useStyles();
  if (blockers.length === 0) return null;
  return (
    <MessageBar intent="warning" layout="multiline" data-testid={testId} data-blockers={blockers.map((b) => b.code).join(' ')}>
      <MessageBarBody>
        <MessageBarTitle>Not ready for {platformName ?? 'the platform'} yet</MessageBarTitle>
        {lead === undefined ? null : <> {lead}</>}
        <ul className={styles.list}>
          {blockers.map((b) => (
            <li key={b.code} data-blocker={b.code}>
              {b.message}
              <span className={styles.fix}>Fix: {b.fix}</span>
            </li>
          ))}
        </ul>
      </MessageBarBody>
    </MessageBar>
  );
}
