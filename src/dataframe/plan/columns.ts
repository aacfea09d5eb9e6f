/** Column selection and column edits of a frame: col, select, loc/iloc, assign, drop, rename, astype, selectDtypes. */
import { type Cell, type DType, type DTypeLabel, type DTypeName, isNumericDType, KeyError, normalizeDType, normalizeDTypeLabel } from '../frame.js';
import { astype as astypeKernel } from '../ops/astype.js';
import { assign as assignKernel, drop as dropKernel, rename as renameKernel } from '../ops/columns.js';
import { filter as filterKernel } from '../ops/filter.js';
import { select as selectKernel } from '../ops/select.js';
import { derive } from './blockwise.js';
import { project } from './project.js';
import { type FrameSpec, isSeriesSpec, type ScalarSpec } from './spec.js';

/** One column as a series (read alone when the frame's source can project). */
export function col(f: FrameSpec<'frame'>, name: string): FrameSpec<'series'> {
  if (!f.meta.has(name)) throw new KeyError(name, f.meta.names);
  const from = project(f, [name]) ?? f;
  return derive('series', 'getitem', selectKernel, [from, [name]]);
}

/** Columns by name, in that order (read alone when the frame's source can project). */
export function select(f: FrameSpec<'frame'>, names: readonly string[]): FrameSpec<'frame'> {
  for (const n of names) if (!f.meta.has(n)) throw new KeyError(n, f.meta.names);
  return project(f, names) ?? derive('frame', 'getitem', selectKernel, [f, [...names]]);
}

/** Rows where the bool series `mask` is true. */
export function filter(f: FrameSpec<'frame'>, mask: unknown): FrameSpec<'frame'> {
  if (!isSeriesSpec(mask)) throw new TypeError('filter: pass a bool Series, e.g. ddf.filter(ddf.col("x").gt(0))');
  const dtype = mask.meta.columns[0].dtype;
  if (dtype !== 'bool') throw new TypeError(`filter: the mask must be a bool series, got ${dtype} series '${mask.meta.names[0]}'`);
  return derive('frame', 'filter', filterKernel, [f, mask]);
}

/** Label-based selection: rows by a bool mask (or null for all), columns by name. */
export function loc(f: FrameSpec<'frame'>, rows: FrameSpec<'series'> | null | undefined, cols?: readonly string[] | string): FrameSpec<'frame'> {
  let out = rows === null || rows === undefined ? f : filter(f, rows);
  if (cols !== undefined) out = select(out, typeof cols === 'string' ? [cols] : cols);
  return out;
}

/** Position-based selection of columns only; rows must be null (all rows). */
export function iloc(f: FrameSpec<'frame'>, rows: null | undefined, cols?: readonly number[] | number): FrameSpec<'frame'> {
  if (rows !== null && rows !== undefined) {
    throw new TypeError(
      'iloc: selecting rows by position is not supported: partitions do not know their lengths without reading them. ' +
        'Use iloc(null, [columns]) for columns, loc(mask) / filter(mask) for rows by condition, head(n) / tail(n), or partitions(i).',
    );
  }
  if (cols === undefined) return f;
  const names = f.meta.names;
  const list = typeof cols === 'number' ? [cols] : cols;
  return select(
    f,
    list.map((i) => {
      const j = i < 0 ? names.length + i : i;
      if (!Number.isInteger(j) || j < 0 || j >= names.length)
        throw new RangeError(`iloc: column position ${i} out of range (the frame has ${names.length} columns)`);
      return names[j];
    }),
  );
}

/** Add or replace columns with series, lazy single values or constants. */
export function assign(f: FrameSpec<'frame'>, spec: Readonly<Record<string, FrameSpec<'series'> | ScalarSpec | Cell>>): FrameSpec<'frame'> {
  const names = Object.keys(spec);
  return derive('frame', 'assign', assignKernel, [f, names, names.map((n) => spec[n])]);
}

export function drop(f: FrameSpec<'frame'>, names: readonly string[] | string, errors: 'raise' | 'ignore' = 'raise'): FrameSpec<'frame'> {
  return derive('frame', 'drop', dropKernel, [f, typeof names === 'string' ? [names] : [...names], errors]);
}

/** `{ a: 'b' }` or `{ columns: { a: 'b' } }`. */
export function rename(f: FrameSpec<'frame'>, mapping: Readonly<Record<string, string>> | { columns: Readonly<Record<string, string>> }): FrameSpec<'frame'> {
  const m = 'columns' in mapping && typeof mapping.columns === 'object' ? (mapping.columns as Record<string, string>) : (mapping as Record<string, string>);
  return derive('frame', 'rename', renameKernel, [f, { ...m }]);
}

/** One dtype for every column, or `{ column: dtype }`. */
export function astype(f: FrameSpec<'frame'>, dtypes: DTypeName | Readonly<Record<string, DTypeName>>): FrameSpec<'frame'> {
  const map: Record<string, DTypeLabel> = {};
  if (typeof dtypes === 'string') for (const n of f.meta.names) map[n] = normalizeDTypeLabel(dtypes, 'astype');
  else
    for (const [k, v] of Object.entries(dtypes)) {
      if (!f.meta.has(k)) throw new KeyError(k, f.meta.names);
      map[k] = normalizeDTypeLabel(v, `astype ${k}`);
    }
  return derive('frame', 'astype', astypeKernel, [f, map]);
}

/** Columns whose dtype matches include (and not exclude): dtype names, 'number', 'object'. */
export function selectDtypes(f: FrameSpec<'frame'>, opts: { include?: string | readonly string[]; exclude?: string | readonly string[] }): FrameSpec<'frame'> {
  const list = (x: string | readonly string[] | undefined) => (x === undefined ? undefined : typeof x === 'string' ? [x] : [...x]);
  const inc = list(opts.include);
  const exc = list(opts.exclude) ?? [];
  if (inc === undefined && exc.length === 0) throw new TypeError('selectDtypes: give include or exclude');
  const matches = (t: DType, sel: string): boolean => {
    if (sel === 'number' || sel === 'numeric') return isNumericDType(t);
    if (sel === 'datetime64' || sel === 'datetime64[ns]') return t === 'datetime';
    return normalizeDType(sel, 'selectDtypes') === t;
  };
  const names = f.meta.names.filter((_, i) => {
    const t = f.meta.columns[i].dtype;
    return (inc === undefined || inc.some((s) => matches(t, s))) && !exc.some((s) => matches(t, s));
  });
  return select(f, names);
}
