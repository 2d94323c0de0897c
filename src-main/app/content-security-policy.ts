/**
 * The renderer's Content Security Policy, one string for both ways it is served: the
 * Electron session's response header and the browser-mode bridge's header. (The meta tag
 * in src-renderer/index.html repeats it for file:// loads; a meta tag cannot carry
 * frame-ancestors.)
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
