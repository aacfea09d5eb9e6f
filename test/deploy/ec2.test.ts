/**
 * `deploy/cluster.mjs up / status / up again / down` against a local EC2 API (moto_server on
 * loopback, reached through AWS_ENDPOINT_URL as the kit's users reach AWS). The test checks
 * EC2's state with its own SDK client: instances and their tags, the image, the security
 * group's rules (nothing open to the world), and that `down` leaves nothing behind. moto runs
 * no real machines, so `up` stops before ssh (--no-bootstrap); the ssh half is
 * test/deploy/ssh-kit.test.ts on real sshd hosts.
 */
import t, { type Test } from 'tap';
import {
  AuthorizeSecurityGroupIngressCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DeleteInternetGatewayCommand,
  EC2Client,
  type Instance,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEPLOY, type KitRun, motoMissing, runKit, startMoto } from './kit.js';

const missing = motoMissing();

/** Every ingress permission as `proto from-to source` lines. */
function ingress(perms: IpPermission[]): string[] {
  return perms
    .flatMap((p) => {
      const head = `${p.IpProtocol} ${p.FromPort}-${p.ToPort}`;
      return [
        ...(p.IpRanges ?? []).map((r) => `${head} ${r.CidrIp}`),
        ...(p.Ipv6Ranges ?? []).map((r) => `${head} ${r.CidrIpv6}`),
        ...(p.UserIdGroupPairs ?? []).map((g) => `${head} ${g.GroupId}`),
        ...(p.PrefixListIds ?? []).map((l) => `${head} ${l.PrefixListId}`),
      ];
    })
    .sort();
}

function exitOk(t: Test, r: KitRun, what: string): void {
  t.equal(r.code, 0, `${what} exits 0`);
  if (r.code !== 0) t.comment(r.all);
}

const tag = (i: Instance, key: string) => i.Tags?.find((x) => x.Key === key)?.Value;

if (missing !== undefined && process.env.CI !== 'true') {
  t.test('deploy/cluster.mjs against moto', { skip: `${missing} (with CI=true this fails instead)` }, async () => undefined);
} else {
  t.test('deploy/cluster.mjs against moto', async (t) => {
    if (missing !== undefined) throw new Error(`the EC2 deploy test needs moto: ${missing}`);
    const moto = await startMoto();
    t.teardown(() => moto.stop());
    const region = 'us-east-1';
    const env = {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: undefined,
      // Nothing from this machine's own AWS setup.
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_EC2_METADATA_DISABLED: 'true',
      TSDASK_DEPLOY_POLL_MS: '100',
    };
    const ec2 = new EC2Client({ region, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    t.teardown(() => ec2.destroy());
    const dir = t.testdir();
    const hosts = join(dir, 'hosts.json');
    const kit = (args: string[], extra: Record<string, string | undefined> = {}) => runKit('cluster.mjs', [...args, '--hosts', hosts], { ...env, ...extra });
    const instancesOf = async (cluster: string, states = ['pending', 'running', 'stopping', 'stopped', 'shutting-down']) => {
      const r = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'tag:tsdask:cluster', Values: [cluster] },
            { Name: 'instance-state-name', Values: states },
          ],
        }),
      );
      return (r.Reservations ?? []).flatMap((x) => x.Instances ?? []);
    };
    const groupsOf = async (cluster: string) =>
      (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'tag:tsdask:cluster', Values: [cluster] }] }))).SecurityGroups ?? [];

    let ids: string[] = [];
    let groupId = '';

    t.test('up: default VPC, Ubuntu LTS image, security group, 3 tagged instances, hosts.json', async (t) => {
      const r = await kit(['up', '--name', 'lab', '--my-ip', '203.0.113.7', '--no-bootstrap']);
      exitOk(t, r, 'up');
      for (const step of ['your address', 'default VPC', 'key pair', 'security group', 'instances', 'waiting: pending -> running'])
        t.match(r.stdout, step, `progress shows the step "${step}"`);
      t.match(r.stdout, /\[node 1 i-\S+\] running, status checks passed/);
      t.match(r.stdout, /\[node 3 i-\S+\] running, status checks passed/);

      const insts = await instancesOf('lab', ['running']);
      t.equal(insts.length, 3, 'three running instances carry the cluster tag');
      insts.sort((a, b) => Number(tag(a, 'tsdask:index')) - Number(tag(b, 'tsdask:index')));
      t.same(
        insts.map((i) => [tag(i, 'tsdask:index'), tag(i, 'tsdask:role'), tag(i, 'Name'), i.InstanceType, i.KeyName]),
        [
          ['1', 'scheduler', 'lab-node1', 't3.large', 'lab-key'],
          ['2', 'worker', 'lab-node2', 't3.large', 'lab-key'],
          ['3', 'worker', 'lab-node3', 't3.large', 'lab-key'],
        ],
      );
      ids = insts.map((i) => i.InstanceId!);

      // The image: the newest Ubuntu LTS (even year, .04) server image Canonical publishes here.
      const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0];
      const all = (await ec2.send(new DescribeImagesCommand({ Owners: ['099720109477'] }))).Images ?? [];
      const lts = all
        .map((img) => ({ id: img.ImageId, m: /^ubuntu\/images\/[^/]+\/ubuntu-[a-z]+-(\d\d)\.04-amd64-server-(\d{8})$/.exec(img.Name ?? '') }))
        .filter((x) => x.m !== null && Number(x.m[1]) % 2 === 0)
        .sort((a, b) => Number(b.m![1]) - Number(a.m![1]) || b.m![2].localeCompare(a.m![2]));
      t.ok(lts.length > 0, 'moto lists Canonical Ubuntu LTS images');
      t.same(new Set(insts.map((i) => i.ImageId)), new Set([lts[0].id]), `every node runs the newest Ubuntu LTS image (${lts[0].id})`);
      t.same(new Set(insts.map((i) => i.VpcId)), new Set([vpc.VpcId]), 'in the default VPC');

      const groups = await groupsOf('lab');
      t.equal(groups.length, 1, 'one security group carries the cluster tag');
      groupId = groups[0].GroupId!;
      t.same(new Set(insts.flatMap((i) => (i.SecurityGroups ?? []).map((g) => g.GroupId))), new Set([groupId]), 'every instance is in it');
      t.same(
        ingress(groups[0].IpPermissions ?? []),
        [`tcp 0-65535 ${groupId}`, 'tcp 22-22 203.0.113.7/32', 'tcp 8787-8787 203.0.113.7/32'],
        'all TCP between members; SSH and the dashboard from the caller only',
      );

      const h = JSON.parse(readFileSync(hosts, 'utf8')) as {
        user: string;
        identityFile: string;
        scheduler: { public: string; private: string; instanceId: string };
        workers: { public: string; private: string; instanceId: string }[];
        ec2: { region: string; securityGroupId: string };
      };
      t.equal(h.user, 'ubuntu');
      t.same(
        [h.scheduler, ...h.workers].map((n) => [n.instanceId, n.public, n.private]),
        insts.map((i) => [i.InstanceId, i.PublicIpAddress, i.PrivateIpAddress]),
        'hosts.json lists the instances, scheduler (node 1) first, with their public and private addresses',
      );
      t.same([h.ec2.region, h.ec2.securityGroupId], [region, groupId]);
      const key = join(dir, h.identityFile);
      t.equal(statSync(key).mode & 0o777, 0o600, 'the generated private key is readable by its owner only');
      const pairs = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['lab-key'] }))).KeyPairs ?? [];
      t.equal(pairs.length, 1, 'and its public half is the EC2 key pair of the instances');
    });

    t.test('status lists the instances and the rules', async (t) => {
      const r = await kit(['status', '--no-ssh']);
      exitOk(t, r, 'status');
      for (const id of ids) t.match(r.stdout, new RegExp(`${id} t3.large running`));
      t.match(r.stdout, `tcp 0-65535 from ${groupId}`);
    });

    t.test('up again launches nothing, and puts the rules back as they should be', async (t) => {
      // Someone opened the scheduler port to the world meanwhile: up takes it away again.
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8786, ToPort: 8786, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        }),
      );
      const r = await kit(['up', '--my-ip', '203.0.113.7', '--no-bootstrap']);
      exitOk(t, r, 'up again');
      t.match(r.stdout, /all 3 running already: nothing launched/);
      t.match(r.stdout, /- tcp 8786-8786 from 0\.0\.0\.0\/0/);
      const insts = await instancesOf('lab');
      t.same(insts.map((i) => i.InstanceId).sort(), [...ids].sort(), 'the same three instances, no fourth');
      const perms = (await groupsOf('lab'))[0].IpPermissions ?? [];
      t.same(ingress(perms), [`tcp 0-65535 ${groupId}`, 'tcp 22-22 203.0.113.7/32', 'tcp 8787-8787 203.0.113.7/32']);
      t.notOk(
        perms.some((p) => (p.IpRanges ?? []).some((x) => x.CidrIp === '0.0.0.0/0') || (p.Ipv6Ranges ?? []).some((x) => x.CidrIpv6 === '::/0')),
        'no port is open to 0.0.0.0/0 or ::/0',
      );
    });

    t.test('down terminates, waits, deletes the group and the key pair: nothing left', async (t) => {
      const r = await kit(['down']);
      exitOk(t, r, 'down');
      for (const id of ids) t.match(r.stdout, `[${id}] terminated`);
      t.match(r.stdout, /nothing left tagged tsdask:cluster=lab in us-east-1/);
      const after = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }))).Reservations!.flatMap((x) => x.Instances ?? []);
      t.same(
        after.map((i) => i.State?.Name),
        ['terminated', 'terminated', 'terminated'],
      );
      t.equal((await instancesOf('lab')).length, 0);
      await t.rejects(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })), { name: 'InvalidGroup.NotFound' }, 'the security group is gone');
      t.equal(
        (await ec2.send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'tag:tsdask:cluster', Values: ['lab'] }] }))).KeyPairs?.length ?? 0,
        0,
        'the key pair is gone',
      );
      t.notOk(existsSync(hosts), 'hosts.json is removed with the cluster');
      const again = await kit(['down', '--name', 'lab', '--region', region]);
      exitOk(t, again, 'down again');
      t.match(again.stdout, /none running or stopped/);
    });

    t.test('a run whose hosts.json is lost: found by tag, removed by down', async (t) => {
      const r = await kit(['up', '--name', 'lost', '--count', '1', '--my-ip', '203.0.113.8', '--no-bootstrap']);
      exitOk(t, r, 'up --count 1');
      t.equal((await instancesOf('lost')).length, 1);
      rmSync(hosts);
      const s = await kit(['status', '--name', 'lost', '--region', region, '--no-ssh']);
      t.match(s.stdout, /node1 i-\S+ t3.large running/);
      const d = await kit(['down', '--name', 'lost', '--region', region]);
      exitOk(t, d, 'down by name');
      t.equal((await instancesOf('lost')).length, 0);
      t.equal((await groupsOf('lost')).length, 0);
    });

    t.test('clear errors', async (t) => {
      const noCreds = await kit(['up', '--name', 'x', '--my-ip', '203.0.113.7', '--no-bootstrap'], {
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
      });
      t.equal(noCreds.code, 1);
      t.match(noCreds.stderr, /error: no AWS credentials found while looking for the default VPC/);
      t.match(noCreds.stderr, /what to do: configure credentials: `aws configure`/);

      // A region without a default VPC (deleted here as an account owner may have done).
      const other = 'eu-west-2';
      const e2 = new EC2Client({ region: other, endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
      t.teardown(() => e2.destroy());
      const vpcId = (await e2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0].VpcId!;
      for (const s of (await e2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets ?? [])
        await e2.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId }));
      for (const g of (await e2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }))).InternetGateways ??
        []) {
        await e2.send(new DetachInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId, VpcId: vpcId }));
        await e2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: g.InternetGatewayId }));
      }
      await e2.send(new DeleteVpcCommand({ VpcId: vpcId }));
      const noVpc = await kit(['up', '--name', 'x', '--region', other, '--my-ip', '203.0.113.7', '--no-bootstrap']);
      t.equal(noVpc.code, 1);
      t.match(noVpc.stderr, `error: region ${other} has no default VPC`);
      t.match(noVpc.stderr, `aws ec2 create-default-vpc --region ${other}`);
      t.equal((await instancesOf('x')).length, 0, 'and nothing was launched');

      const world = await kit(['up', '--name', 'x', '--my-ip', '0.0.0.0/0', '--no-bootstrap']);
      t.equal(world.code, 1);
      t.match(world.stderr, /--my-ip 0\.0\.0\.0\/0 would open SSH and the dashboard to a large part of the internet/);

      const badType = await kit(['up', '--name', 'x', '--type', 't3.nonesuch', '--my-ip', '203.0.113.7', '--no-bootstrap']);
      t.equal(badType.code, 1);
      t.match(badType.stderr, /instance type not available in us-east-1/);

      const badKey = await kit(['up', '--name', 'x', '--key-name', 'nonesuch', '--my-ip', '203.0.113.7', '--no-bootstrap']);
      t.equal(badKey.code, 1);
      t.match(badKey.stderr, /key pair nonesuch does not exist in us-east-1/);
      t.equal((await groupsOf('x')).length, 0, 'no security group was made before these errors');

      // Quotas cannot be exceeded in moto: the kit's translation of EC2's own error names, run
      // in a process of its own as the scripts run.
      const cases = [
        [
          { name: 'VcpuLimitExceeded', message: 'You have requested more vCPU capacity than your current vCPU limit of 4 allows' },
          'launching node 3 (t3.large)',
        ],
        [{ name: 'InstanceLimitExceeded', message: 'Your quota allows for 0 more running instance(s).' }, 'launching node 1 (t3.large)'],
      ];
      const lib = pathToFileURL(join(DEPLOY, 'lib', 'ec2.mjs')).href;
      const script = `import { explainAwsError } from ${JSON.stringify(lib)};
        const out = ${JSON.stringify(cases)}.map(([e, what]) => { const x = explainAwsError(e, what, ${JSON.stringify(region)}); return { message: x.message, fix: x.fix }; });
        console.log(JSON.stringify(out));`;
      const [q, limit] = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as {
        message: string;
        fix: string;
      }[];
      t.match(q.message, /EC2 quota or capacity exceeded while launching node 3 \(t3\.large\) \(VcpuLimitExceeded: You have requested more vCPU/);
      t.match(q.fix, /Service Quotas.*us-east-1.*--count 2.*deploy\/cluster\.mjs down/s);
      t.match(limit.message, /EC2 quota or capacity exceeded while launching node 1/);
    });
  });
}
