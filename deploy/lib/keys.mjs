// @ts-check
/**
 * The cluster's own SSH key: a key pair on the scheduler node (made once), its public key in
 * every node's ~/.ssh/authorized_keys exactly once (appended, never rewritten: the lines there
 * stay as they are), then password-free ssh from the scheduler node to every node checked.
 */
import { DeployError } from './errors.mjs';
import { say, step } from './progress.mjs';
import { eachNode, label, runOn } from './ssh.mjs';

/** @typedef {import('./hosts.mjs').Cluster} Cluster */

/** Prints `created|existing NAME` then the public key. Derives a missing .pub from its private key. */
const KEYGEN = `set -e
umask 077
mkdir -p "$HOME/.ssh"
chmod 700 "$HOME/.ssh"
for k in id_ed25519 id_ecdsa id_rsa; do
  if [ -f "$HOME/.ssh/$k" ]; then
    [ -f "$HOME/.ssh/$k.pub" ] || ssh-keygen -y -f "$HOME/.ssh/$k" > "$HOME/.ssh/$k.pub"
    echo "existing $k"; cat "$HOME/.ssh/$k.pub"; exit 0
  fi
done
command -v ssh-keygen >/dev/null || { echo "ssh-keygen is not installed (apt-get install -y openssh-client)" >&2; exit 3; }
ssh-keygen -q -t ed25519 -N '' -C "tsdask-cluster@$(hostname)" -f "$HOME/.ssh/id_ed25519" < /dev/null
echo "created id_ed25519"; cat "$HOME/.ssh/id_ed25519.pub"`;

/**
 * Reads one public key line on stdin and appends it unless its key (the base64 field) is
 * there already, on a line of its own: a file without a final newline gets one first.
 * Prints `present` or `added`, and `warn ...` when sshd would ignore the file anyway.
 */
export const APPEND_KEY = `set -e
IFS= read -r key
blob=$(printf '%s\\n' "$key" | awk '{ print $2 }')
[ -n "$blob" ] || { echo "no public key on stdin" >&2; exit 2; }
umask 077
mkdir -p "$HOME/.ssh"
chmod 700 "$HOME/.ssh"
f="$HOME/.ssh/authorized_keys"
[ -f "$f" ] || : > "$f"
chmod 600 "$f"
case "$(ls -ld "$HOME" | cut -c6,9)" in *w*) echo "warn your home directory is writable by others: sshd ignores authorized_keys then (chmod go-w ~)";; esac
if awk -v b="$blob" '$0 !~ /^[ \\t]*#/ { for (i = 1; i <= NF; i++) if ($i == b) found = 1 } END { exit found ? 0 : 1 }' "$f"; then echo present; exit 0; fi
if [ -s "$f" ] && [ -n "$(tail -c 1 "$f")" ]; then printf '\\n' >> "$f"; fi
printf '%s\\n' "$key" >> "$f"
echo added`;

/**
 * On the scheduler node: reads `index user host port` lines, prints `ok N` or `fail N why` for each.
 * @param {string} keyName
 */
const VERIFY = (keyName) => `k="$HOME/.ssh/${keyName}"
while read -r i user host port; do
  [ "$user" = - ] && user=$(id -un)
  if err=$(ssh -n -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o ConnectTimeout=10 -o IdentitiesOnly=yes -i "$k" -p "$port" "$user@$host" true 2>&1); then
    echo "ok $i"
  else
    echo "fail $i $(printf '%s' "$err" | tr '\\n' ' ')"
  fi
done`;

/**
 * @param {Cluster} c
 * @returns {Promise<{ publicKey: string, created: boolean, added: number[], verified: number[] }>}
 */
export async function distributeKey(c) {
  const sched = c.nodes[0];
  step(`key pair on the scheduler node, ${label(sched)}`);
  const made = await runOn(c, sched, KEYGEN, { what: 'making a key pair' });
  const [head, publicKey] = made.stdout.trim().split('\n');
  const m = /^(created|existing) (\S+)$/.exec(head ?? '');
  if (m === null || !/^(ssh|ecdsa)-\S+ \S+/.test(publicKey ?? ''))
    throw new DeployError(`${label(sched)}: could not read its public key (got ${JSON.stringify(made.stdout.slice(0, 200))})`, {
      fix: `look at ~/.ssh there: deploy/cluster.mjs ssh 1`,
    });
  const created = m[1] === 'created';
  say(sched, created ? `made a key pair ~/.ssh/${m[2]}` : `has a key pair already: ~/.ssh/${m[2]}`);

  step(`public key into ~/.ssh/authorized_keys on ${c.nodes.length} node${c.nodes.length === 1 ? '' : 's'}`);
  /** @type {number[]} */
  const added = [];
  await eachNode(c.nodes, async (n) => {
    const r = await runOn(c, n, APPEND_KEY, { input: `${publicKey}\n`, what: 'adding the key to ~/.ssh/authorized_keys' });
    for (const line of r.stdout.split('\n')) if (line.startsWith('warn ')) say(n, `warning: ${line.slice(5)}`);
    const wasAdded = /^added$/m.test(r.stdout);
    if (wasAdded) added.push(n.index);
    say(n, wasAdded ? 'key added (the other lines are untouched)' : 'key there already: nothing to do');
  });

  step(`password-free ssh from ${label(sched)} to every node`);
  const lines = c.nodes.map((n) => `${n.index} ${n.user ?? '-'} ${n.private} ${n.port ?? 22}`).join('\n') + '\n';
  const r = await runOn(c, sched, VERIFY(m[2]), { input: lines, what: 'checking ssh to the other nodes' });
  /** @type {number[]} */
  const verified = [];
  /** @type {string[]} */
  const failed = [];
  for (const line of r.stdout.trim().split('\n')) {
    const v = /^(ok|fail) (\d+) ?(.*)$/.exec(line);
    if (v === null) continue;
    const n = c.nodes[Number(v[2]) - 1];
    if (v[1] === 'ok') {
      verified.push(n.index);
      say(n, `ssh from the scheduler node works (${n.user ? `${n.user}@` : ''}${n.private})`);
    } else {
      failed.push(`node ${n.index} (${n.private}): ${v[3]}`);
      say(n, `ssh from the scheduler node FAILED: ${v[3]}`);
    }
  }
  if (failed.length > 0)
    throw new DeployError(`ssh from the scheduler node failed for ${failed.length} node${failed.length === 1 ? '' : 's'}:\n    ${failed.join('\n    ')}`, {
      fix:
        'the nodes must reach each other on port 22 at their "private" addresses (on EC2 the security group rule "all TCP from the group" does it; ' +
        'run `deploy/cluster.mjs up` again to restore it) and their sshd must accept keys from ~/.ssh/authorized_keys',
    });
  return { publicKey, created, added, verified };
}
