import { describe, expect, it } from 'vitest';
import { SECURE_WEB_PREFERENCES } from './web-preferences';

describe('renderer web preferences', () => {
  it('keep the renderer isolated, sandboxed and without Node', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});
