/**
 * performanceReport(path, fn): run `fn`, recording on the scheduler everything the cluster does
 * meanwhile, and write one self-contained HTML file that opens offline.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { currentDefaultClient } from '../../core/default-client.js';
import { reportPage } from '../dashboard/pages/report.js';
import { Client } from './client.js';

export interface PerformanceReportOptions {
  /** The client whose cluster is recorded (default: the default Client). */
  client?: Client;
  /** The report's title (default: the file name). */
  title?: string;
}

export async function performanceReport<T>(path: string, fn: () => Promise<T> | T, opts: PerformanceReportOptions = {}): Promise<T> {
  const d = currentDefaultClient()?.scheduler;
  const client = opts.client ?? (d instanceof Client ? d : undefined);
  if (client === undefined)
    throw new Error(`performanceReport('${path}'): no Client is connected; connect one first (await Client.connect(...)) or pass { client }`);
  const id = await client.startReport();
  let result: T;
  try {
    result = await fn();
  } finally {
    const data = await client.stopReport(id);
    await writeFile(path, reportPage(data, opts.title ?? basename(path)));
  }
  return result;
}
