import packageJson from '../../package.json' with { type: 'json' };

/** The version shown in About, `doctor` and exported reports. */
export const APP_VERSION: string = packageJson.version;
