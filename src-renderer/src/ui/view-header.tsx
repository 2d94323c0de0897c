import { makeStyles, Text, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  header: { display: 'flex', alignItems: 'flex-start', justifyContent: 'space-between', gap: tokens.spacingHorizontalL, flexWrap: 'wrap' },
  titles: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, maxWidth: '72ch' },
  title: {
    margin: 0,
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeHero700,
    lineHeight: tokens.lineHeightHero700,
    fontWeight: tokens.fontWeightSemibold,
    // Focus is moved here programmatically on navigation; it is not a control.
    ':focus': { outlineStyle: 'none' },
  },
  description: { color: tokens.colorNeutralForeground2 },
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
          {title}
        </h1>
        {description === undefined ? null : <Text className={styles.description}>{description}</Text>}
      </div>
      {actions}
    </header>
  );
}
