import { describe, expect, it } from 'vitest';
import { checkFile, readFileBase64, unreadableFile, type FileLimit } from './file-read';

const limit: FileLimit = {
  maxBytes: 16,
  empty: (file) => ({ code: 'invalid-input', message: `${file.name} is empty` }),
  tooLarge: (file, mb) => ({ code: 'invalid-input', message: `${file.name} is ${mb} MB` }),
};

describe('a file given to a drop zone', () => {
  it('is refused in the caller\'s words when empty or over its limit, before a byte is read', () => {
    expect(checkFile(new File([], 'empty.eml'), limit)?.message).toBe('empty.eml is empty');
    expect(checkFile(new File(['x'.repeat(17)], 'big.eml'), limit)?.message).toBe('big.eml is 0.0 MB');
    expect(checkFile(new File(['x'.repeat(16)], 'ok.eml'), limit)).toBeNull();
  });

  it('within the limit, arrives as base64 of its bytes', async () => {
    const read = await readFileBase64(new File(['Subject: hi'], 'ok.eml'), limit);
    expect(read).toEqual({ ok: true, base64: 'U3ViamVjdDogaGk=' });
    const refused = await readFileBase64(new File(['x'.repeat(17)], 'big.eml'), limit);
    expect(refused).toMatchObject({ ok: false, error: { message: 'big.eml is 0.0 MB' } });
  });

  it('that cannot be read says so with its name, not a stack trace', async () => {
    const gone = new File(['Subject: hi'], 'gone.eml');
    Object.defineProperty(gone, 'arrayBuffer', { value: () => Promise.reject(new Error('NotReadableError')) });
    expect(await readFileBase64(gone, limit)).toEqual({ ok: false, error: unreadableFile(gone) });
    expect(unreadableFile(gone).message).toBe('gone.eml could not be read from disk.');
  });
});
