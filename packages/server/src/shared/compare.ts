/** Code-unit order, the same in every process (localeCompare is not). */
export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
