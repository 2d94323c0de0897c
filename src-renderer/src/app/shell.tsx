import { makeStyles, makeStaticStyles, Text, tokens } from '@fluentui/react-components';
import { lazy, Suspense, useDeferredValue, useEffect, useRef, type MouseEvent, type RefObject } from 'react';
import { AddressesView } from '../features/addresses/addresses-view';
import { useFocusStyles } from '../ui/focus-styles';
import { Loading } from '../ui/loading';
import { AppBanners } from './app-banners';
import { AppNav, NARROW } from './app-nav';
import { assertNever } from './assert-never';
import { routeLabel, type RouteId } from './routes';
import { useHashRoute } from './use-hash-route';
import { useStoreChanges } from './use-store-changes';

// Addresses is the first view, so it ships with the shell; every other view is its own
// chunk, fetched the first time it is opened, so the first page load carries only what
// it shows.
const AboutView = lazy(() => import('../features/about/about-view').then((m) => ({ default: m.AboutView })));
const ChecklistView = lazy(() => import('../features/checklist/checklist-view').then((m) => ({ default: m.ChecklistView })));
const ConnectionTestView = lazy(() => import('../features/connection-test/connection-test-view').then((m) => ({ default: m.ConnectionTestView })));
const M365View = lazy(() => import('../features/m365/m365-view').then((m) => ({ default: m.M365View })));
const SettingsView = lazy(() => import('../features/settings/settings-view').then((m) => ({ default: m.SettingsView })));
const StatusView = lazy(() => import('../features/status/status-view').then((m) => ({ default: m.StatusView })));
const WizardView = lazy(() => import('../features/wizard/wizard-view').then((m) => ({ default: m.WizardView })));
// The toasts only ever follow a change that comes later: they load after the first view.
const VerificationToasts = lazy(() => import('../features/status/verification-toasts').then((m) => ({ default: m.VerificationToasts })));

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
    // WCAG 1.4.10: at 320 px (a 1280 px window zoomed to 400 %) the 13rem sidebar left the view
    // a strip a few words wide that scrolled sideways; the navigation goes above the view instead.
    [NARROW]: { gridTemplateColumns: 'minmax(0, 1fr)', gridTemplateRows: 'auto 1fr' },
  },
  sidebar: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    padding: `${tokens.spacingVerticalXL} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground2,
    borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    [NARROW]: {
      gap: tokens.spacingVerticalS,
      padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalS}`,
      borderRight: 'none',
      borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    },
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
    [NARROW]: { padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalM}` },
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
  useFocusStyles();
  const styles = useStyles();
  const route = useHashRoute();
  // The view on screen lags the address while a view's chunk loads for the first time:
  // the old view stays (the navigation already shows the new place) instead of a
  // spinner replacing the page, and React need not hold the new view back to pace one.
  const shownRoute = useDeferredValue(route);
  useStoreChanges();
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    document.title = `${routeLabel(route)} · Relayproof`;
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
        <main id="main" ref={mainRef} tabIndex={-1} className={styles.main} aria-busy={shownRoute !== route}>
          <Suspense fallback={<Loading label={`Opening ${routeLabel(shownRoute)}…`} />}>
            <RouteView route={shownRoute} />
            <FocusViewTitle route={shownRoute} container={mainRef} />
          </Suspense>
        </main>
        <Suspense fallback={null}>
          <VerificationToasts />
        </Suspense>
      </div>
    </div>
  );
}

/**
 * After navigating, puts focus on the new view's heading so keyboard and screen reader
 * users start there (not on the initial load: focus stays at the top). It sits inside
 * the Suspense boundary next to the view, so its effect runs only once the view's chunk
 * has loaded and the heading exists.
 */
function FocusViewTitle({ route, container }: { readonly route: RouteId; readonly container: RefObject<HTMLElement | null> }) {
  const previousRoute = useRef(route);
  useEffect(() => {
    if (previousRoute.current === route) return;
    previousRoute.current = route;
    container.current?.querySelector<HTMLElement>('[data-view-title]')?.focus();
  }, [route, container]);
  return null;
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
