/**
 * `conf` as the engine of a stored document in Node (CLI, browser mode, tests); Electron
 * passes electron-store (a conf subclass) through `engineOverConf` with the same options.
 *
 * conf reads the file with a plain readFileSync three times over: when constructed (to
 * apply defaults), on every `.store` read, and before every `.store = data` write (to
 * carry over its own `__internal__` key). document-file.ts calls none of them before its
 * checks. Only the `.store` read is the document: we give conf no defaults, no migrations
 * and never use `__internal__`, so the two other reads are not parsed (`deserialize`
 * returns an empty object for them). That keeps a 3 MB history from being parsed three
 * times per write, and makes conf write exactly the validated document: a file that held
 * `__internal__` cannot carry it into the next version.
 */
import Conf, { type Options } from 'conf';
import type { DocumentEngine, DocumentLocation } from './document-engine';

/** The options every Relayproof document gives conf and electron-store. */
export type EngineConfOptions = Required<Pick<Options<Record<string, unknown>>, 'clearInvalidConfig' | 'configFileMode' | 'accessPropertiesByDotNotation' | 'watch' | 'deserialize'>>;

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds the conf (or electron-store) instance with `create` and wraps it as a DocumentEngine. */
export function engineOverConf(create: (options: EngineConfOptions) => Conf<Record<string, unknown>>): DocumentEngine {
  // Set only while `.store` is read for the document.
  let parsed: { value: unknown } | null = null;
  const conf = create({
    // A damaged file is document-file's to move aside and report: conf must never reset it.
    clearInvalidConfig: false,
    // Addresses and usernames are the admin's business; conf's default is 0o666.
    configFileMode: 0o600,
    // Keys are never paths: the document is read and written whole.
    accessPropertiesByDotNotation: false,
    // document-file watches the folder (and conf's watchFile would poll every file).
    watch: false,
    deserialize: (text) => {
      if (parsed === null) return {};
      const value: unknown = JSON.parse(text);
      parsed.value = value;
      return isPlainRecord(value) ? value : {};
    },
  });
  return {
    path: conf.path,
    read() {
      parsed = { value: undefined };
      try {
        const store = conf.store;
        // conf copies what it parsed into an object (`[1]` becomes {"0": 1}, `5` becomes {}):
        // the document's checks must see that the file is not an object at all.
        return isPlainRecord(parsed.value) ? store : parsed.value;
      } finally {
        parsed = null;
      }
    },
    write(data) {
      conf.store = { ...data };
    },
  };
}

/** The real engine in Node: conf 15 with an explicit folder and name (no env-paths guess). */
export function confEngine(location: DocumentLocation): DocumentEngine {
  return engineOverConf((options) => new Conf<Record<string, unknown>>({ ...options, cwd: location.cwd, configName: location.configName }));
}
