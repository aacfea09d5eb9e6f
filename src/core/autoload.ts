/**
 * Executors load only what they need. When a worker meets a kernel name or a registered type
 * it does not know, the library module that defines it is loaded on demand: by the name's
 * prefix first ('bag.', 'dataframe.', 'array.'), then every collection module.
 */
const MODULES: Record<string, string> = {
  bag: '../bag/index.js',
  dataframe: '../dataframe/index.js',
  array: '../array/index.js',
  tsdask: './delayed.js',
};
const loaded = new Set<string>();

function load(rel: string): void {
  if (loaded.has(rel)) return;
  loaded.add(rel);
  try {
    require(rel);
  } catch {
    // a collection this build does not have; the caller reports what is missing
  }
}

/** Try `lookup`; on failure load the module its name points to (then all), and try again. */
export function withAutoload<T>(name: string, lookup: () => T): T {
  try {
    return lookup();
  } catch (first) {
    const prefix = name.split('.')[0];
    const order = [MODULES[prefix], ...Object.values(MODULES), '../index.js'].filter((m): m is string => m !== undefined);
    for (const rel of order) {
      if (loaded.has(rel)) continue;
      load(rel);
      try {
        return lookup();
      } catch {
        // keep loading
      }
    }
    throw first;
  }
}
