// @ts-check
/** Command-line options through zx's minimist: known names only, with a clear error otherwise. */
import { minimist } from 'zx';
import { DeployError } from './errors.mjs';

/**
 * @param {string[]} argv
 * @param {{ strings?: string[], booleans?: string[], defaults?: Record<string, unknown>, usage: string }} spec
 * @returns {{ _: string[], '--': string[], [k: string]: unknown }}
 */
export function parseOptions(argv, spec) {
  const strings = spec.strings ?? [];
  const booleans = [...(spec.booleans ?? []), 'help'];
  /** @type {string[]} */
  const unknown = [];
  const parsed = minimist(argv, {
    string: strings,
    boolean: booleans,
    default: spec.defaults ?? {},
    '--': true,
    unknown: (a) => {
      if (a.startsWith('-')) {
        unknown.push(a);
        return false;
      }
      return true;
    },
  });
  if (unknown.length > 0) {
    throw new DeployError(`unknown option ${unknown[0]}`, { fix: `${spec.usage.split('\n')[0]} (--help lists the options)` });
  }
  return /** @type {{ _: string[], '--': string[], [k: string]: unknown }} */ (parsed);
}

/**
 * A positive integer option.
 * @param {Record<string, unknown>} o
 * @param {string} name
 * @param {number} fallback
 */
export function intOption(o, name, fallback) {
  const v = o[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new DeployError(`--${name} must be a whole number, got '${String(v)}'`, { fix: `e.g. --${name} ${fallback}` });
  return n;
}

/**
 * A string option or undefined.
 * @param {Record<string, unknown>} o
 * @param {string} name
 */
export function strOption(o, name) {
  const v = o[name];
  if (v === undefined || v === '') return undefined;
  if (Array.isArray(v)) throw new DeployError(`--${name} was given ${v.length} times`, { fix: `give --${name} once` });
  return String(v);
}
