/**
 * The saved message is read by the shared bounded reader (the review's `.eml` finding):
 * judged on the opened handle, never read past the limit, and refused when it is not a
 * regular file, without waiting on a pipe or loading a huge file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readEmlFile } from './eml-file';

const tmp = mkdtempSync(join(tmpdir(), 'relayproof-eml-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('a sparse 3 GB file is refused as too large, unread', async () => {
  const path = join(tmp, 'huge.eml');
  writeFileSync(path, '');
  truncateSync(path, 3 * 1024 * 1024 * 1024);
  const before = process.memoryUsage().rss;
  expect(await readEmlFile(path)).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('3072.0 MB; Relayproof verifies messages up to 25 MB'), details: { reason: 'too-large' } } });
  expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
});

it('a named pipe is refused without waiting for a writer; a link to /dev/zero is refused', async () => {
  const fifo = join(tmp, 'pipe.eml');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  expect(await readEmlFile(fifo)).toMatchObject({ ok: false, error: { message: `${fifo} is not a file.`, details: { reason: 'unreadable' } } });
  const zero = join(tmp, 'zero.eml');
  symlinkSync('/dev/zero', zero);
  expect(await readEmlFile(zero)).toMatchObject({ ok: false, error: { message: `${zero} is not a file.` } });
});

it('reads no further than the limit: a file within it is read whole, one past it is refused', async () => {
  const path = join(tmp, 'small.eml');
  writeFileSync(path, 'Subject: hi\r\n\r\nbody\r\n');
  expect(await readEmlFile(path, 21)).toMatchObject({ ok: true });
  expect(await readEmlFile(path, 20)).toMatchObject({ ok: false, error: { details: { reason: 'too-large' } } });
  expect(await readEmlFile(join(tmp, 'missing.eml'))).toMatchObject({ ok: false, error: { code: 'not-found' } });
});
