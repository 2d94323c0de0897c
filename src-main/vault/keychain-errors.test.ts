import { describe, expect, it } from 'vitest';
import { classifyKeychainError, describeCause, moduleMissingState, KeychainModuleMissingError } from './keychain-errors';
import { loadKeytar } from './keytar';

// Recorded from keytar 7.9.0 + libsecret on Debian 12 (see the scenarios in vault.test.ts,
// which reproduce most of them live).
const OBSERVED: ReadonlyArray<readonly [string, string, string]> = [
  ['no-service', 'bus without a Secret Service', 'GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files'],
  ['no-service', 'bus without a Secret Service (set)', 'The name org.freedesktop.secrets was not provided by any .service files'],
  ['no-service', 'no bus address, no DISPLAY', 'Cannot autolaunch D-Bus without X11 $DISPLAY'],
  ['no-service', 'DISPLAY set, dbus-launch fails', 'Error spawning command line “dbus-launch --autolaunch=3d1219c7c4c5404aaa1f6d2a48adfda4 --binary-syntax --close-stderr”: Child process exited with code 1'],
  ['no-service', 'bus socket missing', 'Could not connect: No such file or directory'],
  ['no-service', 'bus socket not listening', 'Could not connect: Connection refused'],
  ['no-service', 'tcp bus refused', 'Could not connect to 127.0.0.1: Connection refused'],
  ['no-service', 'garbage bus address', 'Address element “garbage” does not contain a colon (:)'],
  ['locked', 'locked login collection', 'Cannot create an item in a locked collection'],
  ['locked', 'no login collection yet', 'Object does not exist at path “/org/freedesktop/secrets/collection/login”'],
];

describe('classifyKeychainError on the messages keytar really prints', () => {
  for (const [status, situation, message] of OBSERVED) {
    it(`${situation} is ${status}`, () => {
      const state = classifyKeychainError(new Error(message), 'linux');
      expect(state.status).toBe(status);
      expect(state.message).toContain(message.replace(/\s+/gu, ' '));
      expect(state.message).toContain('never keeps them in a file');
      expect(state.fix).toBeDefined();
    });
  }

  it('no-service on Linux gives the headless dbus-run-session command', () => {
    const state = classifyKeychainError(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'), 'linux');
    expect(state.fix).toContain("dbus-run-session -- sh -c 'echo -n PASS | gnome-keyring-daemon --unlock --components=secrets; exec npx relayproof serve'");
  });

  it('an unknown message is error and keeps the original text', () => {
    const state = classifyKeychainError(new Error('GDBus.Error:org.freedesktop.DBus.Error.NoReply: Message recipient disconnected'), 'linux');
    expect(state.status).toBe('error');
    expect(state.message).toContain('Message recipient disconnected');
  });

  it('a module-missing error is classified as module-missing wherever it comes from', () => {
    expect(classifyKeychainError(new KeychainModuleMissingError('gone'), 'linux').status).toBe('module-missing');
  });
});

describe('module-missing', () => {
  it('a real failed require becomes module-missing with the Linux fix and no require stack', async () => {
    const error = await loadKeytar({ moduleName: 'relayproof-no-such-native-module' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KeychainModuleMissingError);
    const state = moduleMissingState(error, 'linux');
    expect(state.status).toBe('module-missing');
    expect(state.message).toMatch(/^OS keychain support not installed: Cannot find module 'relayproof-no-such-native-module'/u);
    expect(state.message).not.toContain('Require stack');
    expect(state.fix).toBe('sudo apt-get install libsecret-1-dev build-essential python3 && npm install --no-save keytar@7.9.0');
  });

  it('macOS and Windows get fixes without apt-get', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const fix = moduleMissingState(new Error('x'), platform).fix ?? '';
      expect(fix).toContain('npm rebuild keytar');
      expect(fix).not.toContain('apt-get');
    }
  });
});

describe('describeCause', () => {
  it('keeps one bounded line', () => {
    const cause = describeCause(new Error(`first\nsecond ${'x'.repeat(1000)}`));
    expect(cause.startsWith('first second')).toBe(true);
    expect(cause).not.toContain('\n');
    expect(cause.length).toBeLessThanOrEqual(300);
  });
});
