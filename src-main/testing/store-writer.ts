/**
 * A separate process that writes the shared data folder, for the tests that prove no
 * change is lost when several processes write at once (built by built-entries.ts, then
 * started many times together). Each says `ready` once it has opened its store, then waits
 * until the file named by `GO_FILE` exists, so that all of them really write at once.
 *
 *   node store-writer.mjs settings <dataDir> <who> <count>   count addresses <who>-<n>@example.test
 *   node store-writer.mjs history  <dataDir> <who> <count>   count runs of address a-shared
 *   node store-writer.mjs history-async <dataDir> <who> <count>   the same through recordAsync, all started at once
 *                                                            (says "wrote <n>" after each, for a test that kills it mid-way)
 *   node store-writer.mjs m365     <dataDir> <who>           the registration of address a-<who>
 *   node store-writer.mjs hold-lock <dataDir>                takes config.json's lock, says "locked", never lets go
 *   node store-writer.mjs cross-locks <dataDir> <a|b>        holds <who>.json's lock across an await, then asks for the
 *                                                            other's while its own is let go by a timer (says "got both")
 */
import { existsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { holdFileLock, lockPathOf, withFileLock } from '../store/file-lock';
import { openStore } from '../store/store';
import { openAppRegistrations } from '../m365/app-registrations';
import { openVerificationStore } from '../verification/status-store';
import { emptyHistory, recordRun } from '../verification/history';
import { initialStatus } from '../verification/status-machine';
import { testAddressFields } from './address-fields';

const SHARED_HISTORY_ADDRESS = 'a-shared';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function waitForStart(): void {
  // Synchronous: the wait below blocks the event loop.
  writeSync(1, 'ready\n');
  const go = process.env['GO_FILE'];
  if (go === undefined) return;
  while (!existsSync(go)) Atomics.wait(sleeper, 0, 0, 2);
}

const [kind, dataDir, who = 'w', countText = '1'] = process.argv.slice(2);
const count = Number(countText);
if (dataDir === undefined) throw new Error('usage: store-writer <kind> <dataDir> [who] [count]');

/** The i-th run this writer records on the shared address. */
function oneRun(i: number) {
  const at = new Date().toISOString();
  return recordRun(initialStatus({ addressId: SHARED_HISTORY_ADDRESS, domain: 'example.test' }), emptyHistory(SHARED_HISTORY_ADDRESS), {
    id: `run-${who}-${i}`,
    trigger: 'manual',
    startedAt: at,
    finishedAt: at,
    observations: [],
  });
}

switch (kind) {
  case 'settings': {
    const store = openStore({ directory: dataDir });
    waitForStart();
    for (let i = 0; i < count; i++) {
      store.createAddress(testAddressFields({ address: `${who}-${i}@example.test`, username: `${who}-${i}@example.test` }));
    }
    break;
  }
  case 'history': {
    const store = openVerificationStore({ directory: dataDir });
    waitForStart();
    for (let i = 0; i < count; i++) {
      const { state, run } = oneRun(i);
      store.record(SHARED_HISTORY_ADDRESS, state, run);
    }
    break;
  }
  case 'history-async': {
    const store = openVerificationStore({ directory: dataDir });
    waitForStart();
    let wrote = 0;
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const { state, run } = oneRun(i);
        await store.recordAsync(SHARED_HISTORY_ADDRESS, state, run);
        writeSync(1, `wrote ${++wrote}\n`);
      }),
    );
    break;
  }
  case 'm365': {
    const apps = openAppRegistrations({ directory: dataDir });
    waitForStart();
    apps.set(`a-${who}`, { tenantId: 'contoso.onmicrosoft.com', clientId: '00000000-0000-4000-8000-000000000001' });
    break;
  }
  case 'hold-lock': {
    withFileLock(join(dataDir, 'config.json'), 'settings file', () => {
      writeSync(1, 'locked\n');
      // Held until the test kills this process, as a crash or `kill -9` would.
      for (;;) Atomics.wait(sleeper, 0, 0, 60_000);
    });
    break;
  }
  case 'cross-locks': {
    // Each of two processes holds its own file's lock across an await (as a fleet run's
    // write does during its fsync), then needs the other's; each lets its own go from a
    // timer. A wait that blocked the event loop would never run that timer: both stuck.
    const other = who === 'a' ? 'b' : 'a';
    const mine = await holdFileLock(join(dataDir, `${who}.json`), `${who} file`);
    writeSync(1, 'ready\n');
    while (!existsSync(lockPathOf(join(dataDir, `${other}.json`)))) await new Promise((resolve) => setTimeout(resolve, 2));
    setTimeout(() => mine.release(), 200);
    const theirs = await holdFileLock(join(dataDir, `${other}.json`), `${other} file`, { timeoutMs: 5_000 });
    theirs.release();
    writeSync(1, 'got both\n');
    break;
  }
  default:
    throw new Error(`unknown kind ${String(kind)}`);
}
