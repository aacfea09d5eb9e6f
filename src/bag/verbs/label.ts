/** Key prefixes that say what a user function is: `map-parseLine-<token>`. */
export function fnLabel(verb: string, fn: unknown): string {
  const name = typeof fn === 'function' ? fn.name.replace(/[^\w$.]/g, '') : '';
  return name ? `${verb}-${name}` : verb;
}
