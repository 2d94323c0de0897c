/**
 * The renderer's web preferences: isolated, sandboxed, no Node, web security on. Pure
 * data (no electron import), so a unit test pins it and the window uses exactly this.
 */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
} as const;
