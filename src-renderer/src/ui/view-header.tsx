import { makeStyles, Text, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { BreakAfterAt } from './break-after-at';

const useStyles = makeStyles({
  header: { display: 'flex', alignItems: 'flex-start', justifyContent: 'space-between', gap: tokens.spacingHorizontalL, flexWrap: 'wrap' },
  // The measure is the description's (running text reads best at about 72 characters); the
  // title takes the width it needs, up to the view's, so a title naming an address stays on
  // one line at 1280 px, and wraps (after the @, or anywhere as a last resort) on a narrow window.
  titles: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, minWidth: 0 },
  title: {
    margin: 0,
    overflowWrap: 'anywhere',
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeHero700,
    lineHeight: tokens.lineHeightHero700,
    fontWeight: tokens.fontWeightSemibold,
    // Focus is moved here programmatically on navigation; it is not a control.
    ':focus': { outlineStyle: 'none' },
  },
  description: { color: tokens.colorNeutralForeground2, maxWidth: '72ch' },
});

export interface ViewHeaderProps {
  readonly title: string;
  readonly description?: ReactNode;
  readonly actions?: ReactNode;
}

/** The one h1 of a view; the shell focuses it after navigation. */
export function ViewHeader({ title, description, actions }: ViewHeaderProps) {
  const styles = useStyles();
  return (
    <header className={styles.header}>
      <div className={styles.titles}>
        <h1 className={styles.title} tabIndex={-1} data-view-title="">
          <BreakAfterAt text={title} />
        </h1>
        {description === undefined ? null : <Text className={styles.description}>{description}</Text>}
      </div>
      {actions}
    </header>
  );
}
