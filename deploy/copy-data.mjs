#!/usr/bin/env node
// @ts-check
/**
 * deploy/copy-data.mjs FILE... [--dest ~/data] [--hosts deploy/hosts.json]
 *
 * Copies files and folders to every node under the same path, all nodes at once, skipping
 * files that are there already with the same sha256, and checking every file's sha256 after
 * copying. One progress line per node and step.
 */
import { parseOptions, strOption } from './lib/args.mjs';
import { copyData } from './lib/copy.mjs';
import { runMain } from './lib/errors.mjs';
import { DEFAULT_HOSTS, localPath, readHosts } from './lib/hosts.mjs';

const USAGE = `usage: deploy/copy-data.mjs FILE... [--dest ~/data] [--hosts deploy/hosts.json]

Each FILE lands at DEST/its name on every node (a folder with everything under it); ~ is each
node's home. Files already there with the same sha256 are skipped; all are verified after.`;

runMain(async () => {
  const o = parseOptions(process.argv.slice(2), { strings: ['hosts', 'dest'], usage: USAGE });
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  const c = readHosts(localPath(strOption(o, 'hosts') ?? DEFAULT_HOSTS, process.cwd()));
  const dest = strOption(o, 'dest') ?? '~/data';
  const rs = await copyData(c, o._.map(String), dest);
  const copied = rs.reduce((a, r) => a + r.copied, 0);
  console.log(`done: ${rs.length} node${rs.length === 1 ? '' : 's'}, ${copied} file cop${copied === 1 ? 'y' : 'ies'} made, every file verified under ${dest}`);
  return 0;
});
