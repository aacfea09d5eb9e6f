/** HTML building blocks shared by the renderers: escaping, one table shape, one stylesheet. */
import { formatBytes } from '../core/format-bytes.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** A header row, body rows (cells already escaped) and an optional caption. */
export interface TableParts {
  kind: string;
  header: readonly string[];
  rows: ReadonlyArray<readonly string[]>;
  caption?: string;
}

/** One `<table>` with a class naming what it shows (tests and styles find it by that class). */
export function htmlTable(t: TableParts): string {
  const head = `<thead><tr>${t.header.map((h) => `<th>${h}</th>`).join('')}</tr></thead>`;
  const body = `<tbody>${t.rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody>`;
  const caption = t.caption === undefined ? '' : `<caption>${t.caption}</caption>`;
  return `<table class="tsdask ${t.kind}">${caption}${head}${body}</table>`;
}

/** Bytes as people read them (1.5 GiB); a limit of 0 means none. */
export function bytesText(n: number): string {
  return n > 0 ? formatBytes(n, 'short') : 'unlimited';
}
