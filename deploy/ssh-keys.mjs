#!/usr/bin/env node
// @ts-check
/**
 * deploy/ssh-keys.mjs [--hosts deploy/hosts.json]
 *
 * A key pair on the scheduler node (node 1) if it has none; its public key appended to
 * ~/.ssh/authorized_keys on every node exactly once (never overwritten, no broken lines,
 * ~/.ssh 700 and the file 600); then password-free ssh from the scheduler node to every node
 * checked and reported. Safe to run again: a second run changes nothing.
 */
import { parseOptions, strOption } from './lib/args.mjs';
import { runMain } from './lib/errors.mjs';
import { DEFAULT_HOSTS, localPath, readHosts } from './lib/hosts.mjs';
import { distributeKey } from './lib/keys.mjs';

const USAGE = `usage: deploy/ssh-keys.mjs [--hosts deploy/hosts.json]

Makes a key pair on the scheduler node (first in hosts.json) unless it has one, appends its
public key to ~/.ssh/authorized_keys on every node once, and checks ssh from the scheduler
node to each node (at their "private" addresses).`;

runMain(async () => {
  const o = parseOptions(process.argv.slice(2), { strings: ['hosts'], usage: USAGE });
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  const c = readHosts(localPath(strOption(o, 'hosts') ?? DEFAULT_HOSTS, process.cwd()));
  const r = await distributeKey(c);
  console.log(
    `done: key ${r.created ? 'made' : 'reused'} on node 1; added on ${r.added.length} node${r.added.length === 1 ? '' : 's'}` +
      `${r.added.length < c.nodes.length ? `, there already on ${c.nodes.length - r.added.length}` : ''}; ssh from node 1 works to all ${r.verified.length}`,
  );
  return 0;
});
