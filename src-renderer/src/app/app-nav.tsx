import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { routeHref, routes, type RouteId } from './routes';

/** Windows this narrow (320 px is WCAG 1.4.10's width) put the navigation above the view, its links in wrapping rows. */
export const NARROW = '@media (max-width: 40rem)';

const useStyles = makeStyles({
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    [NARROW]: { flexDirection: 'row', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalXXS },
  },
  link: {
    display: 'block',
    position: 'relative',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    color: tokens.colorNeutralForeground1,
    textDecorationLine: 'none',
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': {
      outlineWidth: tokens.strokeWidthThick,
      outlineStyle: 'solid',
      outlineColor: tokens.colorStrokeFocus2,
      outlineOffset: '1px',
    },
  },
  current: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    fontWeight: tokens.fontWeightSemibold,
    '::before': {
      content: '""',
      position: 'absolute',
      left: 0,
      top: tokens.spacingVerticalS,
      bottom: tokens.spacingVerticalS,
      width: tokens.strokeWidthThicker,
      borderRadius: tokens.borderRadiusSmall,
      backgroundColor: tokens.colorCompoundBrandStroke,
    },
  },
});

/** Plain links in a `nav` landmark: Tab reaches each, Enter follows it. */
export function AppNav({ current }: { readonly current: RouteId }) {
  const styles = useStyles();
  return (
    <nav aria-label="Main">
      <ul className={styles.list}>
        {routes.map((route) => (
          <li key={route.id}>
            <a
              href={routeHref(route.id)}
              aria-current={route.id === current ? 'page' : undefined}
              className={mergeClasses(styles.link, route.id === current && styles.current)}
            >
              {route.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
