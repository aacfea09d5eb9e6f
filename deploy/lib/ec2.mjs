// @ts-check
/**
 * The EC2 side of `cluster.mjs`, through the AWS SDK for JavaScript v3: the standard
 * credential chain (env, ~/.aws, SSO, instance role), region and endpoint settings (so
 * `AWS_ENDPOINT_URL` reaches a local EC2 API such as moto). Everything the kit creates carries
 * the tag `tsdask:cluster=NAME` and is found by it again: `up` twice launches nothing new, and
 * `down` finds what an interrupted run left.
 *
 * The security group lets in: all TCP from members of the group itself (scheduler, workers
 * and their peers talk to each other), and SSH plus the dashboard port from the caller's
 * address only. Never anything from 0.0.0.0/0 or ::/0.
 */
import * as EC2 from '@aws-sdk/client-ec2';
import { isIP } from 'node:net';
import { DeployError, messageOf } from './errors.mjs';

export const TAG = 'tsdask:cluster';
/** Canonical's account: the owner of the official Ubuntu images. */
const CANONICAL = '099720109477';

/** @param {unknown} e @returns {{ name: string, message: string, code?: string }} */
function errInfo(e) {
  if (typeof e === 'object' && e !== null) {
    const o = /** @type {Record<string, unknown>} */ (e);
    return { name: String(o.name ?? o.Code ?? 'Error'), message: String(o.message ?? ''), code: typeof o.code === 'string' ? o.code : undefined };
  }
  return { name: 'Error', message: String(e) };
}

/**
 * An AWS error as what happened and what to do.
 * @param {unknown} e
 * @param {string} what e.g. 'launching 3 t3.large instances'
 * @param {string} region
 */
export function explainAwsError(e, what, region) {
  if (e instanceof DeployError) return e;
  const { name, message, code } = errInfo(e);
  const says = `${name}: ${message}`;
  if (name === 'CredentialsProviderError' || (/credential/i.test(message) && /could not load|provider|missing/i.test(message)))
    return new DeployError(`no AWS credentials found while ${what} (${says})`, {
      fix:
        'configure credentials: `aws configure` (writes ~/.aws/credentials), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
        '(and AWS_SESSION_TOKEN for temporary ones, e.g. from the "AWS Details" of an AWS Academy lab), or AWS_PROFILE',
      cause: e,
    });
  if (/^(AuthFailure|UnrecognizedClientException|InvalidClientTokenId|SignatureDoesNotMatch|IncompleteSignature)$/.test(name))
    return new DeployError(`AWS did not accept the credentials while ${what} (${says})`, {
      fix: 'check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile in ~/.aws/credentials (a lab session may have ended: copy fresh credentials)',
      cause: e,
    });
  if (/^(ExpiredToken|RequestExpired|ExpiredTokenException)$/.test(name))
    return new DeployError(`the AWS credentials have expired (${says})`, {
      fix: 'get fresh credentials (aws sso login, or new lab credentials), then run the command again',
      cause: e,
    });
  if (name === 'UnauthorizedOperation' || name === 'AccessDenied' || name === 'AccessDeniedException')
    return new DeployError(`your AWS user may not do this: ${what} (${says.slice(0, 300)})`, {
      fix: 'ask for EC2 permissions (ec2:RunInstances, ec2:*SecurityGroup*, ec2:*KeyPair*, ec2:Describe*, ec2:TerminateInstances, ec2:CreateTags)',
      cause: e,
    });
  if (
    /^(InstanceLimitExceeded|VcpuLimitExceeded|ResourceLimitExceeded|MaxSpotInstanceCountExceeded|InsufficientInstanceCapacity|InsufficientFreeAddressesInSubnet)$/.test(
      name,
    )
  )
    return new DeployError(`EC2 quota or capacity exceeded while ${what} (${says})`, {
      fix:
        `ask for more in Service Quotas (EC2, region ${region}: "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", counted in vCPUs; ` +
        't3.large has 2), or launch fewer or smaller machines (--count 2, --type t3.medium). Instances launched so far are tagged: ' +
        '`deploy/cluster.mjs down` removes them',
      cause: e,
    });
  if (/^(SecurityGroupLimitExceeded|RulesPerSecurityGroupLimitExceeded|KeyPairLimitExceeded)$/.test(name))
    return new DeployError(`EC2 limit reached while ${what} (${says})`, {
      fix: `delete unused security groups / key pairs in ${region}, or ask for a higher limit in Service Quotas`,
      cause: e,
    });
  if (name === 'InvalidInstanceType' || (name === 'Unsupported' && /instance type/i.test(message)))
    return new DeployError(`instance type not available in ${region} (${says})`, {
      fix: 'pick another --type (e.g. t3.large, m5.large), or another --region',
      cause: e,
    });
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET/.test(code ?? '') || /ECONNREFUSED|ENOTFOUND|getaddrinfo/.test(message))
    return new DeployError(`cannot reach the EC2 API while ${what} (${says})`, {
      fix: process.env.AWS_ENDPOINT_URL
        ? `AWS_ENDPOINT_URL is ${process.env.AWS_ENDPOINT_URL}: is that server running?`
        : 'check your internet connection and the region name (--region)',
      cause: e,
    });
  return new DeployError(`EC2 failed while ${what} (${says})`, {
    fix: 'see the message above; run the command again when fixed (it continues where it stopped)',
    cause: e,
  });
}

/**
 * An EC2 client for the region: --region, else AWS_REGION / AWS_DEFAULT_REGION, else the profile's.
 * @param {string | undefined} region
 * @returns {Promise<{ ec2: EC2.EC2Client, region: string }>}
 */
export async function ec2Client(region) {
  // The SDK warns on Node 20 about releases after January 2027; the lock file pins this one.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new EC2.EC2Client({ region: region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION, maxAttempts: 4 });
  let resolved;
  try {
    resolved = await client.config.region();
  } catch {
    resolved = undefined;
  }
  if (!resolved) throw new DeployError('no AWS region given', { fix: 'pass --region us-east-1 (or set AWS_REGION, or a region in ~/.aws/config)' });
  return { ec2: client, region: resolved };
}

/**
 * Send one command, turning failures into DeployErrors.
 * @template O
 * @param {EC2.EC2Client} ec2
 * @param {{ input: object }} command an EC2 *Command
 * @param {string} what
 * @returns {Promise<O>}
 */
async function send(ec2, command, what) {
  try {
    return /** @type {O} */ (await ec2.send(/** @type {any} */ (command)));
  } catch (e) {
    throw explainAwsError(e, what, String(await ec2.config.region().catch(() => '?')));
  }
}

/**
 * The caller's address as a CIDR: --my-ip (an address or a CIDR) or asked from checkip.amazonaws.com.
 * @param {string | undefined} given
 * @returns {Promise<{ cidr: string, v6: boolean }>}
 */
export async function callerCidr(given) {
  let text = given;
  if (text === undefined) {
    try {
      const res = await fetch('https://checkip.amazonaws.com', { signal: AbortSignal.timeout(8000) });
      text = (await res.text()).trim();
    } catch (e) {
      throw new DeployError(`could not find your public address (checkip.amazonaws.com: ${messageOf(e)})`, {
        fix: 'pass it: --my-ip 203.0.113.7 (what https://checkip.amazonaws.com shows in a browser)',
      });
    }
  }
  const [addr, bits] = text.split('/');
  const v = isIP(addr);
  if (v === 0) throw new DeployError(`--my-ip '${text}' is not an IP address`, { fix: 'e.g. --my-ip 203.0.113.7 (or a range, 203.0.113.0/24)' });
  const max = v === 4 ? 32 : 128;
  const len = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(len) || len > max) throw new DeployError(`--my-ip '${text}': bad prefix length`, { fix: `a number up to ${max}` });
  // The point of the rule is to keep the world out: refuse ranges that let most of it in.
  if (len < (v === 4 ? 16 : 48))
    throw new DeployError(`--my-ip ${text} would open SSH and the dashboard to ${v === 4 ? 'a large part of the internet' : 'a huge range'}`, {
      fix: `give your own address (/${max}), or a range no wider than /${v === 4 ? 16 : 48}`,
    });
  return { cidr: `${addr}/${len}`, v6: v === 6 };
}

/**
 * @param {EC2.EC2Client} ec2
 * @param {string} region
 */
export async function defaultVpc(ec2, region) {
  /** @type {EC2.DescribeVpcsCommandOutput} */
  const r = await send(ec2, new EC2.DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }), 'looking for the default VPC');
  const vpc = r.Vpcs?.[0];
  if (!vpc?.VpcId)
    throw new DeployError(`region ${region} has no default VPC`, {
      fix: `create one: aws ec2 create-default-vpc --region ${region} (or in the VPC console: Actions, Create default VPC), or use another --region`,
    });
  return vpc.VpcId;
}

/**
 * CPU architecture for an instance type (t3 -> x86_64, t4g -> arm64); also checks the type exists.
 * @param {EC2.EC2Client} ec2
 * @param {string} type
 */
export async function architectureOf(ec2, type) {
  /** @type {EC2.DescribeInstanceTypesCommandOutput} */
  const r = await send(
    ec2,
    new EC2.DescribeInstanceTypesCommand({ InstanceTypes: [/** @type {EC2._InstanceType} */ (type)] }),
    `looking up instance type ${type}`,
  );
  const archs = r.InstanceTypes?.[0]?.ProcessorInfo?.SupportedArchitectures ?? [];
  return archs.includes('arm64') && !archs.includes('x86_64') ? 'arm64' : 'x86_64';
}

/**
 * The newest Ubuntu LTS server image from Canonical for the architecture.
 * @param {EC2.EC2Client} ec2
 * @param {'x86_64' | 'arm64'} arch
 * @param {string} region
 */
export async function ubuntuImage(ec2, arch, region) {
  const a = arch === 'arm64' ? 'arm64' : 'amd64';
  /** @type {EC2.DescribeImagesCommandOutput} */
  const r = await send(
    ec2,
    new EC2.DescribeImagesCommand({
      Owners: [CANONICAL],
      Filters: [
        { Name: 'name', Values: [`ubuntu/images/*/ubuntu-*-${a}-server-*`] },
        { Name: 'state', Values: ['available'] },
        { Name: 'architecture', Values: [arch] },
      ],
    }),
    'looking for an Ubuntu LTS image',
  );
  const lts = (r.Images ?? []).flatMap((img) => {
    const m = /\/ubuntu-[a-z]+-(\d\d)\.(\d\d)-[a-z0-9]+-server-(\d{8})/.exec(img.Name ?? '');
    // LTS releases: April of even years (20.04, 22.04, 24.04, ...).
    if (m === null || m[2] !== '04' || Number(m[1]) % 2 !== 0 || !img.ImageId) return [];
    return [{ id: img.ImageId, name: img.Name ?? '', year: Number(m[1]), date: m[3], root: img.RootDeviceName ?? '/dev/sda1' }];
  });
  lts.sort((x, y) => y.year - x.year || y.date.localeCompare(x.date));
  if (lts.length === 0)
    throw new DeployError(`no Ubuntu LTS image for ${arch} from Canonical in ${region}`, {
      fix: 'pass one: --image ami-... (an Ubuntu 22.04 or 24.04 image of your region)',
    });
  return lts[0];
}

/**
 * @param {string} cluster
 * @param {string} type e.g. 'security-group'
 * @param {Record<string, string>} [extra]
 * @returns {EC2.TagSpecification[]}
 */
const tagSpec = (cluster, type, extra = {}) => [
  {
    ResourceType: /** @type {EC2.ResourceType} */ (type),
    Tags: [{ Key: TAG, Value: cluster }, ...Object.entries(extra).map(([Key, Value]) => ({ Key, Value }))],
  },
];

/**
 * @param {EC2.EC2Client} ec2
 * @param {string} cluster
 */
export async function findKeyPairs(ec2, cluster) {
  /** @type {EC2.DescribeKeyPairsCommandOutput} */
  const r = await send(ec2, new EC2.DescribeKeyPairsCommand({ Filters: [{ Name: `tag:${TAG}`, Values: [cluster] }] }), 'looking for the key pair');
  return r.KeyPairs ?? [];
}

/**
 * Does a key pair of that name exist?
 * @param {EC2.EC2Client} ec2
 * @param {string} name
 */
export async function keyPairExists(ec2, name) {
  try {
    const r = await ec2.send(new EC2.DescribeKeyPairsCommand({ KeyNames: [name] }));
    return (r.KeyPairs ?? []).length > 0;
  } catch (e) {
    if (errInfo(e).name === 'InvalidKeyPair.NotFound') return false;
    throw explainAwsError(e, `looking for key pair ${name}`, '');
  }
}

/**
 * @param {EC2.EC2Client} ec2
 * @param {string} cluster
 * @param {string} name
 * @param {string} publicKey OpenSSH public key line
 */
export async function importKeyPair(ec2, cluster, name, publicKey) {
  await send(
    ec2,
    new EC2.ImportKeyPairCommand({ KeyName: name, PublicKeyMaterial: new TextEncoder().encode(publicKey), TagSpecifications: tagSpec(cluster, 'key-pair') }),
    `importing key pair ${name}`,
  );
}

/**
 * @param {EC2.EC2Client} ec2
 * @param {string} cluster
 */
export async function findSecurityGroups(ec2, cluster) {
  /** @type {EC2.DescribeSecurityGroupsCommandOutput} */
  const r = await send(ec2, new EC2.DescribeSecurityGroupsCommand({ Filters: [{ Name: `tag:${TAG}`, Values: [cluster] }] }), 'looking for the security group');
  return r.SecurityGroups ?? [];
}

/**
 * The inbound rules the cluster needs: all TCP within the group, SSH and dashboard from the caller.
 * @param {string} groupId
 * @param {{ cidr: string, v6: boolean }} caller
 * @param {number} dashboardPort
 * @returns {EC2.IpPermission[]}
 */
export function wantedRules(groupId, caller, dashboardPort) {
  /** @param {number} port @param {string} why @returns {EC2.IpPermission} */
  const fromCaller = (port, why) => ({
    IpProtocol: 'tcp',
    FromPort: port,
    ToPort: port,
    ...(caller.v6 ? { Ipv6Ranges: [{ CidrIpv6: caller.cidr, Description: why }] } : { IpRanges: [{ CidrIp: caller.cidr, Description: why }] }),
  });
  return [
    { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [{ GroupId: groupId, Description: 'tsdask: all TCP between cluster members' }] },
    fromCaller(22, 'tsdask: SSH from the deploying machine'),
    fromCaller(dashboardPort, 'tsdask: dashboard from the deploying machine'),
  ];
}

/**
 * One rule per source, as comparable text: `tcp 22-22 from 203.0.113.7/32`.
 * @param {EC2.IpPermission[]} perms
 * @returns {{ key: string, perm: EC2.IpPermission }[]}
 */
export function flattenRules(perms) {
  return perms.flatMap((p) => {
    const base = { IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort };
    const head = `${p.IpProtocol} ${p.FromPort ?? '*'}-${p.ToPort ?? '*'} from`;
    return [
      ...(p.IpRanges ?? []).map((r) => ({ key: `${head} ${r.CidrIp}`, perm: { ...base, IpRanges: [r] } })),
      ...(p.Ipv6Ranges ?? []).map((r) => ({ key: `${head} ${r.CidrIpv6}`, perm: { ...base, Ipv6Ranges: [r] } })),
      ...(p.UserIdGroupPairs ?? []).map((g) => ({
        key: `${head} ${g.GroupId}`,
        perm: { ...base, UserIdGroupPairs: [{ GroupId: g.GroupId, Description: g.Description }] },
      })),
      ...(p.PrefixListIds ?? []).map((l) => ({ key: `${head} ${l.PrefixListId}`, perm: { ...base, PrefixListIds: [l] } })),
    ];
  });
}

/**
 * Find or create the group, and make its inbound rules exactly the wanted ones (rules the
 * kit did not ask for, e.g. an old caller address or a rule open to the world, are removed).
 * @param {EC2.EC2Client} ec2
 * @param {{ cluster: string, name: string, vpcId: string, caller: { cidr: string, v6: boolean }, dashboardPort: number }} o
 * @returns {Promise<{ groupId: string, created: boolean, added: string[], removed: string[] }>}
 */
export async function ensureSecurityGroup(ec2, o) {
  let group = (await findSecurityGroups(ec2, o.cluster)).find((g) => g.VpcId === o.vpcId);
  let created = false;
  if (!group) {
    /** @type {EC2.CreateSecurityGroupCommandOutput} */
    const r = await send(
      ec2,
      new EC2.CreateSecurityGroupCommand({
        GroupName: o.name,
        VpcId: o.vpcId,
        Description: `tsdask cluster ${o.cluster}: all TCP between members; SSH and dashboard from the deploying machine only`,
        TagSpecifications: tagSpec(o.cluster, 'security-group', { Name: o.name }),
      }),
      `creating security group ${o.name}`,
    );
    created = true;
    /** @type {EC2.DescribeSecurityGroupsCommandOutput} */
    const d = await send(ec2, new EC2.DescribeSecurityGroupsCommand({ GroupIds: [String(r.GroupId)] }), 'reading the new security group');
    group = d.SecurityGroups?.[0];
  }
  const groupId = String(group?.GroupId);
  const have = flattenRules(group?.IpPermissions ?? []);
  const want = flattenRules(wantedRules(groupId, o.caller, o.dashboardPort));
  const missing = want.filter((w) => !have.some((h) => h.key === w.key));
  const extra = have.filter((h) => !want.some((w) => w.key === h.key));
  if (extra.length > 0)
    await send(
      ec2,
      new EC2.RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: extra.map((x) => x.perm) }),
      `removing old rules from ${groupId}`,
    );
  if (missing.length > 0)
    await send(
      ec2,
      new EC2.AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: missing.map((x) => x.perm) }),
      `adding rules to ${groupId}`,
    );
  return { groupId, created, added: missing.map((x) => x.key), removed: extra.map((x) => x.key) };
}

/**
 * The cluster's instances that are not terminated (or terminating), by index tag.
 * @param {EC2.EC2Client} ec2
 * @param {string} cluster
 * @returns {Promise<EC2.Instance[]>}
 */
export async function findInstances(ec2, cluster) {
  /** @type {EC2.Instance[]} */
  const out = [];
  /** @type {string | undefined} */
  let next;
  do {
    /** @type {EC2.DescribeInstancesCommandOutput} */
    const r = await send(
      ec2,
      new EC2.DescribeInstancesCommand({
        Filters: [
          { Name: `tag:${TAG}`, Values: [cluster] },
          { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
        ],
        NextToken: next,
      }),
      'looking for the cluster instances',
    );
    for (const res of r.Reservations ?? []) out.push(...(res.Instances ?? []));
    next = r.NextToken;
  } while (next);
  return out.sort((a, b) => indexOf(a) - indexOf(b));
}

/** @param {EC2.Instance} i */
export const indexOf = (i) => Number(i.Tags?.find((t) => t.Key === 'tsdask:index')?.Value ?? 1e9);

/**
 * Launch one instance for a node index, fully tagged at launch (so even an interrupted run's
 * instance is found by `down`).
 * @param {EC2.EC2Client} ec2
 * @param {{ cluster: string, index: number, imageId: string, rootDevice: string, type: string, keyName: string, groupId: string, diskGb: number, runToken: string }} o
 */
export async function launch(ec2, o) {
  /** @type {EC2.RunInstancesCommandOutput} */
  const r = await send(
    ec2,
    new EC2.RunInstancesCommand({
      ImageId: o.imageId,
      InstanceType: /** @type {EC2._InstanceType} */ (o.type),
      MinCount: 1,
      MaxCount: 1,
      KeyName: o.keyName,
      SecurityGroupIds: [o.groupId],
      // The same token on an SDK retry of this call: at most one instance per node and run.
      ClientToken: `${o.runToken}-${o.index}`,
      MetadataOptions: { HttpTokens: 'required' },
      BlockDeviceMappings: [{ DeviceName: o.rootDevice, Ebs: { VolumeSize: o.diskGb, VolumeType: 'gp3', DeleteOnTermination: true } }],
      TagSpecifications: [
        ...tagSpec(o.cluster, 'instance', {
          Name: `${o.cluster}-node${o.index}`,
          'tsdask:index': String(o.index),
          'tsdask:role': o.index === 1 ? 'scheduler' : 'worker',
        }),
        ...tagSpec(o.cluster, 'volume'),
      ],
    }),
    `launching node ${o.index} (${o.type})`,
  );
  const inst = r.Instances?.[0];
  if (!inst?.InstanceId) throw new DeployError(`EC2 launched no instance for node ${o.index}`, { fix: 'run `deploy/cluster.mjs up` again' });
  return inst;
}

/**
 * @param {EC2.EC2Client} ec2
 * @param {string[]} ids
 */
export async function startStopped(ec2, ids) {
  if (ids.length > 0) await send(ec2, new EC2.StartInstancesCommand({ InstanceIds: ids }), `starting stopped instances ${ids.join(', ')}`);
}

/**
 * Poll until every instance is running with its status checks passed, reporting each change.
 * @param {EC2.EC2Client} ec2
 * @param {string[]} ids
 * @param {(id: string, state: string) => void} report
 * @param {{ timeoutMs?: number, pollMs?: number }} [o]
 */
export async function waitRunning(ec2, ids, report, o = {}) {
  const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
  /** @type {Map<string, string>} */
  const last = new Map();
  for (;;) {
    /** @type {EC2.DescribeInstancesCommandOutput} */
    const d = await send(ec2, new EC2.DescribeInstancesCommand({ InstanceIds: ids }), 'watching the instances start');
    /** @type {EC2.DescribeInstanceStatusCommandOutput} */
    const s = await send(ec2, new EC2.DescribeInstanceStatusCommand({ InstanceIds: ids, IncludeAllInstances: true }), 'reading status checks');
    const insts = (d.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    let done = 0;
    for (const i of insts) {
      const id = String(i.InstanceId);
      const st = s.InstanceStatuses?.find((x) => x.InstanceId === id);
      let state = String(i.State?.Name);
      if (state === 'running') {
        const ok = st?.InstanceStatus?.Status === 'ok' && st?.SystemStatus?.Status === 'ok';
        state = ok ? 'running, status checks passed' : 'running, status checks pending';
        if (ok) done++;
      }
      if (/terminated|shutting-down/.test(state))
        throw new DeployError(`instance ${id} went ${state} while starting (${i.StateReason?.Message ?? 'no reason given'})`, {
          fix: 'see the EC2 console for why (often a quota or capacity problem), then run `deploy/cluster.mjs up` again',
        });
      if (last.get(id) !== state) {
        last.set(id, state);
        report(id, state);
      }
    }
    if (done === ids.length) return insts;
    if (Date.now() > deadline)
      throw new DeployError(`instances did not pass their status checks within ${Math.round((o.timeoutMs ?? 600_000) / 60_000)} min`, {
        fix: 'look in the EC2 console; `deploy/cluster.mjs up` continues waiting, `down` removes them',
      });
    await new Promise((r) => setTimeout(r, o.pollMs ?? 5000));
  }
}

/**
 * Terminate and wait until they are gone.
 * @param {EC2.EC2Client} ec2
 * @param {string[]} ids
 * @param {(id: string, state: string) => void} report
 * @param {{ pollMs?: number }} [o]
 */
export async function terminate(ec2, ids, report, o = {}) {
  if (ids.length === 0) return;
  await send(ec2, new EC2.TerminateInstancesCommand({ InstanceIds: ids }), `terminating ${ids.join(', ')}`);
  /** @type {Map<string, string>} */
  const last = new Map();
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    /** @type {EC2.DescribeInstancesCommandOutput} */
    const d = await send(ec2, new EC2.DescribeInstancesCommand({ InstanceIds: ids }), 'watching the instances terminate');
    const insts = (d.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    for (const i of insts) {
      const state = String(i.State?.Name);
      if (last.get(String(i.InstanceId)) !== state) {
        last.set(String(i.InstanceId), state);
        report(String(i.InstanceId), state);
      }
    }
    if (insts.every((i) => i.State?.Name === 'terminated')) return;
    if (Date.now() > deadline) throw new DeployError('instances did not terminate within 10 min', { fix: 'run `deploy/cluster.mjs down` again' });
    await new Promise((r) => setTimeout(r, o.pollMs ?? 5000));
  }
}

/**
 * Delete a group; its instances' network interfaces may take a minute to go, so retry.
 * @param {EC2.EC2Client} ec2
 * @param {string} groupId
 * @param {{ pollMs?: number }} [o]
 */
export async function deleteSecurityGroup(ec2, groupId, o = {}) {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      await ec2.send(new EC2.DeleteSecurityGroupCommand({ GroupId: groupId }));
      return;
    } catch (e) {
      const { name } = errInfo(e);
      if (name === 'InvalidGroup.NotFound') return;
      if (name !== 'DependencyViolation' || Date.now() > deadline)
        throw explainAwsError(e, `deleting security group ${groupId}`, String(await ec2.config.region().catch(() => '?')));
      await new Promise((r) => setTimeout(r, o.pollMs ?? 5000));
    }
  }
}

/**
 * @param {EC2.EC2Client} ec2
 * @param {string} name
 */
export async function deleteKeyPair(ec2, name) {
  await send(ec2, new EC2.DeleteKeyPairCommand({ KeyName: name }), `deleting key pair ${name}`);
}
