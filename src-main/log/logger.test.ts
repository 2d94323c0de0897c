import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, MAX_LOG_BYTES, redactFields } from './logger';

describe('log redaction', () => {
  it('redacts secret-named keys at any depth, inside arrays too', () => {
    const out = redactFields({ password: 'a', nested: { clientSecret: 'b', list: [{ accessToken: 'c', host: 'h' }] }, api_key_token: 'd' });
    expect(JSON.stringify(out)).not.toMatch(/"a"|"b"|"c"|"d"/u);
    expect(out).toMatchObject({ nested: { list: [{ host: 'h' }] } });
  });

  it('keeps ordinary keys that merely contain the letters (passed, bypass, tokenizer)', () => {
    expect(redactFields({ passed: 3, bypass: false, tokenizer: 'x' })).toEqual({ passed: 3, bypass: false, tokenizer: 'x' });
  });
});

describe('log file', () => {
  it('moves a log past the size limit aside and keeps writing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relayproof-log-'));
    const file = join(dir, 'relayproof.log');
    writeFileSync(file, 'x'.repeat(MAX_LOG_BYTES + 1));
    createLogger({ file }).info('after rotation', { password: 'hunter2' });
    expect(existsSync(`${file}.1`)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/after rotation/u);
    expect(text).not.toContain('hunter2');
    rmSync(dir, { recursive: true, force: true });
  });
});
