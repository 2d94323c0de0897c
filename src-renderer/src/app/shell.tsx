import { makeStyles, makeStaticStyles, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef, type MouseEvent } from 'react';
import { AboutView } from '../features/about/about-view';
import { AddressesView } from '../features/addresses/addresses-view';
import { ChecklistView } from '../features/checklist/checklist-view';
import { ConnectionTestView } from '../features/connection-test/connection-test-view';
import { M365View } from '../features/m365/m365-view';
import { SettingsView } from '../features/settings/settings-view';
import { StatusView } from '../features/status/status-view';
import { VerificationToasts } from '../features/status/verification-toasts';
import { WizardView } from '../features/wizard/wizard-view';
import { AppBanners } from './app-banners';
import { AppNav } from './app-nav';
import { assertNever } from './assert-never';
import { routeLabel, type RouteId } from './routes';
import { useHashRoute } from './use-hash-route';
import { useStoreChanges } from './use-store-changes';

const useStaticStyles = makeStaticStyles({
  'html, body, #root': { height: '100%' },
  body: { margin: 0 },
});

const useStyles = makeStyles({
  layout: {
    display: 'grid',
    gridTemplateColumns: '13rem 1fr',
    minHeight: '100vh',
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
  },
  sidebar: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    padding: `${tokens.spacingVerticalXL} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground2,
    borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  brand: {
    paddingLeft: tokens.spacingHorizontalM,
    fontSize: tokens.fontSizeBase500,
    fontWeight: tokens.fontWeightSemibold,
  },
  content: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    padding: `${tokens.spacingVerticalXL} ${tokens.spacingHorizontalXL}`,
    minWidth: 0,
  },
  main: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    ':focus': { outlineStyle: 'none' },
  },
  skipLink: {
    position: 'absolute',
    left: tokens.spacingHorizontalS,
    top: '-100px',
    zIndex: 10,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorBrandForegroundLink,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow8,
    ':focus': {
      top: tokens.spacingVerticalS,
      outlineWidth: tokens.strokeWidthThick,
      outlineStyle: 'solid',
      outlineColor: tokens.colorStrokeFocus2,
    },
  },
});

export function Shell() {
  useStaticStyles();
  const styles = useStyles();
  const route = useHashRoute();
  useStoreChanges();
  const mainRef = useRef<HTMLElement>(null);
  const previousRoute = useRef(route);

  useEffect(() => {
    document.title = `${routeLabel(route)} · Relayproof`;
    // After navigating, put focus on the new view's heading so keyboard and screen
    // reader users start there (not on the initial load: focus stays at the top).
    if (previousRoute.current !== route) {
      previousRoute.current = route;
      mainRef.current?.querySelector<HTMLElement>('[data-view-title]')?.focus();
    }
  }, [route]);

  const skipToMain = (event: MouseEvent<HTMLAnchorElement>) => {
    // The hash holds the route, so follow the skip link by moving focus instead.
    event.preventDefault();
    mainRef.current?.focus();
  };

  return (
    <div className={styles.layout}>
      <a href="#main" className={styles.skipLink} onClick={skipToMain}>
        Skip to main content
      </a>
      <header className={styles.sidebar}>
        <Text className={styles.brand}>Relayproof</Text>
        <AppNav current={route} />
      </header>
      <div className={styles.content}>
        <AppBanners />
        <main id="main" ref={mainRef} tabIndex={-1} className={styles.main}>
          <RouteView route={route} />
        </main>
        <VerificationToasts />
      </div>
    </div>
  );
}

function RouteView({ route }: { readonly route: RouteId }) {
  switch (route) {
    case 'addresses':
      return <AddressesView />;
    case 'connect':
      return <WizardView />;
    case 'connection-test':
      return <ConnectionTestView />;
    case 'checklist':
      return <ChecklistView />;
    case 'status':
      return <StatusView />;
    case 'm365':
      return <M365View />;
    case 'settings':
      return <SettingsView />;
    case 'about':
      return <AboutView />;
    default:
      return assertNever(route);
  }
}
