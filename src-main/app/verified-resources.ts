/**
 * The data files of resources/ that the build validated: for each kind, the name and
 * SHA-256 of every file that passed its contract schema and that the schema returns
 * unchanged (json-resource.ts's verifiedDigest). This
 * source is empty, so everything is validated when it is read (development, unit tests);
 * the build replaces its body with the digests of the files it shipped
 * (src-main/dev/verified-resources-plugin.ts). A file read at run time whose digest is
 * listed is, byte for byte, one the schema accepted: it is used without loading zod. Any
 * other file (edited, damaged, from another version) is validated as before and reported
 * the same way.
 */
// resources/replies is not among them: its schema fills in defaults its files leave out, so
// the build could not vouch for a file as it is read.
export type VerifiedKind = 'platforms';

export const VERIFIED_RESOURCES: Readonly<Record<VerifiedKind, readonly string[]>> = { platforms: [] };
