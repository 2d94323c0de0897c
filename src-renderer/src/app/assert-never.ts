/**
 * Exhaustiveness guard for switches over contract unions. The contract has one too,
 * but importing a value from it would pull zod into the renderer bundle; the renderer
 * imports only the contract's types.
 */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
