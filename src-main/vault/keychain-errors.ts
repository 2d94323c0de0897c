/**
 * Turns what the keychain library says into a KeychainState an admin can act on. The
 * patterns are the real messages keytar 7.9 / libsecret print on Debian (recorded in
 * keychain-errors.test.ts); everything the table does not know is `error`, with the
 * original text so support can see it.
 */
import type { KeychainState } from '../../src-preload/contract';

/** Thrown by a backend loader when the native module cannot be loaded at all. */
export class KeychainModuleMissingError extends Error {
  /** A code, not only the class: a bundle or a test runner may hold two copies of this class. */
  readonly code = 'keychain-module-missing';
  override readonly name = 'KeychainModuleMissingError';
}

export function isKeychainModuleMissing(error: unknown): error is Error {
  return error instanceof Error && (error as { code?: unknown }).code === 'keychain-module-missing';
}

type Platform = NodeJS.Platform;
type Unusable = Exclude<KeychainState['status'], 'available' | 'module-missing'>;

interface Rule {
  readonly status: Unusable;
  readonly pattern: RegExp;
  /** First words of the admin message; the original text follows it. */
  readonly what: string;
}

/** Ordered: the first matching rule wins. */
const RULES: readonly Rule[] = [
  // A session bus exists but nothing on it provides the Secret Service (no gnome-keyring / KWallet).
  { status: 'no-service', pattern: /org\.freedesktop\.secrets was not provided by any \.service files/u, what: 'No keychain service (Secret Service) is running in this session' },
  // No DBUS_SESSION_BUS_ADDRESS and no X display: GLib cannot even look for a bus.
  { status: 'no-service', pattern: /Cannot autolaunch D-Bus without X11 \$DISPLAY/u, what: 'There is no D-Bus session (which the keychain service needs)' },
  // DISPLAY is set but dbus-launch could not start a bus (no X server, no dbus-x11).
  { status: 'no-service', pattern: /Error spawning command line .dbus-launch/u, what: 'There is no D-Bus session (which the keychain service needs)' },
  // DBUS_SESSION_BUS_ADDRESS points at a socket that is gone or not listening.
  { status: 'no-service', pattern: /Could not connect(?: to [^:]+)?: (?:No such file or directory|Connection refused)/u, what: 'The D-Bus session this process was started in is no longer running' },
  { status: 'no-service', pattern: /Address element .* does not contain a colon/u, what: 'DBUS_SESSION_BUS_ADDRESS is not a valid D-Bus address' },
  // gnome-keyring refuses writes to a locked collection when it cannot show the unlock prompt.
  { status: 'locked', pattern: /Cannot create an item in a locked collection/u, what: 'The keychain (login keyring) is locked' },
  // The daemon runs but has no login keyring yet, and the "create keyring" prompt could not be shown.
  { status: 'locked', pattern: /Object does not exist at path .\/org\/freedesktop\/secrets\/collection\/login/u, what: 'The keychain has no login keyring yet (it is created and unlocked when you log into a desktop session)' },
  // Unlock prompt dismissed (libsecret: "The operation was cancelled"; macOS: errSecUserCanceled).
  { status: 'locked', pattern: /prompt .*dismissed|operation was cancell?ed|User canceled the operation/iu, what: 'The keychain unlock prompt was dismissed' },
  // macOS errSecInteractionNotAllowed: the keychain is locked and no UI may be shown (e.g. over SSH).
  { status: 'locked', pattern: /User interaction is not allowed/u, what: 'The keychain is locked and cannot ask for its password here' },
];

const HEADLESS_COMMAND = "dbus-run-session -- sh -c 'echo -n PASS | gnome-keyring-daemon --unlock --components=secrets; exec npx relayproof serve'";

export function keychainName(platform: Platform): string {
  switch (platform) {
    case 'darwin':
      return 'the macOS Keychain';
    case 'win32':
      return 'Windows Credential Manager';
    default:
      return 'the Secret Service (GNOME Keyring or KWallet)';
  }
}

function fixFor(status: KeychainState['status'], platform: Platform): string | undefined {
  switch (status) {
    case 'available':
      return undefined;
    case 'module-missing':
      if (platform === 'darwin') return 'Reinstall Relayproof. From a source checkout: xcode-select --install && npm rebuild keytar';
      if (platform === 'win32') return 'Reinstall Relayproof. From a source checkout: install the Visual Studio C++ build tools, then npm rebuild keytar';
      return 'sudo apt-get install libsecret-1-dev build-essential python3 && npm install --no-save keytar@7.9.0';
    case 'no-service':
      if (platform !== 'linux') return 'Log into a desktop session as the user who runs Relayproof.';
      return `Log into a desktop session (it starts GNOME Keyring or KWallet), or start gnome-keyring-daemon. On a headless machine, replace PASS with the keyring password and run: ${HEADLESS_COMMAND}`;
    case 'locked':
      if (platform === 'darwin') return 'Unlock the login keychain in Keychain Access, then allow Relayproof when macOS asks.';
      if (platform !== 'linux') return 'Log into Windows as the user who runs Relayproof.';
      return `Unlock the login keyring (Passwords and Keys / Seahorse, or log out and back in) and accept the unlock prompt. On a headless machine start it unlocked: ${HEADLESS_COMMAND}`;
    case 'error':
      return 'Try again. If it keeps failing, restart the keychain service (log out and back in) and attach the log to a support ticket.';
  }
}

function withFix(state: Omit<KeychainState, 'fix'>, platform: Platform): KeychainState {
  const fix = fixFor(state.status, platform);
  return fix === undefined ? state : { ...state, fix };
}

/** One line, bounded: library messages may carry a require stack or a long D-Bus path. */
export function describeCause(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const text = raw.split(/\nRequire stack:/u)[0] ?? raw;
  const line = text.replace(/\s+/gu, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

export function availableState(platform: Platform): KeychainState {
  return { backend: 'keytar', status: 'available', message: `Passwords are stored in ${keychainName(platform)}.` };
}

export function moduleMissingState(error: unknown, platform: Platform): KeychainState {
  return withFix(
    {
      backend: 'keytar',
      status: 'module-missing',
      message: `OS keychain support not installed: ${describeCause(error)}. Relayproof cannot store passwords until it is (it never keeps them in a file).`,
    },
    platform,
  );
}

/** Classify an error thrown by a keychain call (module already loaded). */
export function classifyKeychainError(error: unknown, platform: Platform): KeychainState {
  if (isKeychainModuleMissing(error)) return moduleMissingState(error, platform);
  const cause = describeCause(error);
  const rule = RULES.find((r) => r.pattern.test(cause));
  const what = rule?.what ?? `${keychainName(platform)} reported an error`;
  return withFix(
    {
      backend: 'keytar',
      status: rule?.status ?? 'error',
      message: `${what}, so Relayproof cannot read or store passwords (it never keeps them in a file). Details: ${cause}`,
    },
    platform,
  );
}
