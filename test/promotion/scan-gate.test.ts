/**
 * The promotion gate's decision (src/promotion/scan-gate.sh) on outputs of each
 * cloud's CLI, hand-written in the documented shapes (test/promotion/scan-outputs/README.md),
 * and its bounded wait for a pending scan with stand-in CLIs that answer "pending"
 * a number of times before the final answer.
 */
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const GATE = join(__dirname, '../../src/promotion/scan-gate.sh');
const OUTPUTS = join(__dirname, 'scan-outputs');
const DIGEST = 'sha256:4af8e6f002401a965bbe753a381af308b40d8947fad2b9e1f6a369aa81abee59';
const work = mkdtempSync(join(tmpdir(), 'scan-gate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function gate(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync('sh', [GATE, '--digest', DIGEST, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH!, ...env } });
  return { code: res.status, out: res.stdout, err: res.stderr };
}
const recorded = (cloud: string, file: string, threshold: string, allow: string[] = []) =>
  gate(['--cloud', cloud, '--threshold', threshold, '--findings', join(OUTPUTS, file), ...allow.flatMap((a) => ['--allow', a])]);

describe('decision on recorded outputs', () => {
  test.each([
    // ECR basic scanning: CRITICAL, HIGH, MEDIUM, INFORMATIONAL.
    ['aws', 'aws-basic-complete.json', 'critical', [], 1, 'findings at or above critical: CVE-2024-0001(CRITICAL)'],
    ['aws', 'aws-basic-complete.json', 'high', [], 1, 'findings at or above high: CVE-2024-0001(CRITICAL) CVE-2024-0002(HIGH)'],
    ['aws', 'aws-basic-complete.json', 'high', ['CVE-2024-0001 CVE-2024-0002'], 0, 'passed'],
    ['aws', 'aws-basic-complete.json', 'medium', ['CVE-2024-0001', 'CVE-2024-0002'], 1, 'findings at or above medium: CVE-2024-0003(MEDIUM)'],
    ['aws', 'aws-basic-complete.json', 'low', ['CVE-2024-0001 CVE-2024-0002 CVE-2024-0003'], 0, 'passed'],
    // ECR enhanced scanning (Inspector), status ACTIVE: HIGH and LOW.
    ['aws', 'aws-enhanced-active.json', 'critical', [], 0, 'passed'],
    ['aws', 'aws-enhanced-active.json', 'high', [], 1, 'findings at or above high: CVE-2024-1111(HIGH)'],
    ['aws', 'aws-enhanced-active.json', 'low', ['CVE-2024-1111'], 1, 'findings at or above low: CVE-2024-2222(LOW)'],
    ['aws', 'aws-unsupported.json', 'critical', [], 1, 'the scan status is UNSUPPORTED_IMAGE: The operating system and/or package manager are not supported.; nothing is known'],
    ['aws', 'aws-in-progress.json', 'critical', [], 1, 'its scan is still pending'],
    // Artifact Analysis: grouped by severity; the effective severity wins (CVE-2024-6666 is HIGH in a MEDIUM group).
    ['gcp', 'gcp-success.json', 'critical', [], 1, 'findings at or above critical: CVE-2024-5555(CRITICAL)'],
    ['gcp', 'gcp-success.json', 'high', ['CVE-2024-5555'], 1, 'findings at or above high: CVE-2024-6666(HIGH)'],
    ['gcp', 'gcp-success.json', 'high', ['CVE-2024-5555 CVE-2024-6666'], 0, 'passed'],
    ['gcp', 'gcp-scanning.json', 'high', [], 1, 'its scan is still pending'],
    ['gcp', 'gcp-unsupported.json', 'high', [], 1, 'the scan status is FINISHED_UNSUPPORTED; nothing is known'],
    // Defender: only Unhealthy rows of this digest (the exempt CRITICAL and another digest's CRITICAL do not count).
    ['azure', 'azure-findings.json', 'critical', [], 0, 'passed'],
    ['azure', 'azure-findings.json', 'high', [], 1, 'findings at or above high: CVE-2024-8888(HIGH)'],
    ['azure', 'azure-findings.json', 'medium', ['CVE-2024-8888'], 1, 'findings at or above medium: CVE-2024-9999(MEDIUM)'],
    ['azure', 'azure-none.json', 'low', [], 0, 'warning: Microsoft Defender has no finding for'],
    // Harbor: the artifact's scan_overview (status, counts per severity) and the vulnerabilities addition (ids, severities).
    ['harbor', 'harbor-success.json', 'critical', [], 1, 'findings at or above critical: CVE-2024-3001(CRITICAL)'],
    ['harbor', 'harbor-success.json', 'high', ['CVE-2024-3001'], 1, 'findings at or above high: CVE-2024-3002(HIGH)'],
    ['harbor', 'harbor-success.json', 'high', ['CVE-2024-3001 CVE-2024-3002'], 0, 'passed'],
    // Negligible and Unknown (src/pkg/scan/vuln/severity.go) never reach a threshold: low stops at the Low finding.
    ['harbor', 'harbor-success.json', 'low', ['CVE-2024-3001 CVE-2024-3002 CVE-2024-3003'], 1, 'findings at or above low: CVE-2024-3004(LOW)'],
    ['harbor', 'harbor-success.json', 'low', ['CVE-2024-3001 CVE-2024-3002 CVE-2024-3003 CVE-2024-3004'], 0, 'passed'],
    ['harbor', 'harbor-running.json', 'high', [], 1, 'its scan is still pending'],
    ['harbor', 'harbor-not-scanned.json', 'high', [], 1, 'its scan is still pending'],
    ['harbor', 'harbor-error.json', 'critical', [], 1, 'the scan status is Error; nothing is known'],
    // The report lists fewer findings at or above the threshold than the overview counts: undecidable, refused
    // (even with every listed id accepted); below the missing severity, the counts agree and the gate decides.
    ['harbor', 'harbor-truncated.json', 'high', ['CVE-2024-3001'], 1, 'Harbor\'s scan overview counts 2 finding(s) at or above high, but its vulnerability report lists 1'],
    ['harbor', 'harbor-truncated.json', 'critical', ['CVE-2024-3001'], 0, 'passed'],
  ])('%s %s, threshold %s, allow %j: exit %d', (cloud, file, threshold, allow, code, message) => {
    const r = recorded(cloud, file, threshold, allow as string[]);
    expect([r.code, `${r.out}${r.err}`]).toEqual([code, expect.stringContaining(message)]);
    if (code === 1 && /findings at or above/.test(message)) {
      expect(r.err).toMatch(/^scan-gate: error: refusing sha256:[0-9a-f]{64}: findings at or above \w+:.*\(accept a risk by adding its id to scanning\.allowedVulnerabilities\)\n$/);
    }
  });

  test('accepted risks are printed, and written to the job summary with the refusal or the pass', () => {
    const summary = join(work, 'summary.md');
    writeFileSync(summary, '');
    const r = gate(['--cloud', 'aws', '--threshold', 'high', '--findings', join(OUTPUTS, 'aws-basic-complete.json'), '--allow', 'CVE-2024-0001'], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    expect(r.out).toContain('accepted by the spec\'s allowlist: CVE-2024-0001(CRITICAL)');
    expect(readFileSync(summary, 'utf8')).toBe(
      `- scan gate, \`${DIGEST}\`: accepted risks (scanning.allowedVulnerabilities): CVE-2024-0001(CRITICAL)\n`
      + `- scan gate, \`${DIGEST}\`: refused, findings at or above high: CVE-2024-0002(HIGH)\n`,
    );
  });

  test('an allowlist entry must match the whole id (CVE-2024-000 does not accept CVE-2024-0001)', () => {
    expect(recorded('aws', 'aws-basic-complete.json', 'critical', ['CVE-2024-000']).code).toBe(1);
  });

  test.each([
    [['--cloud', 'oci', '--threshold', 'high', '--findings', 'x'], '--cloud must be aws, gcp, azure or harbor, not "oci"'],
    [['--cloud', 'aws', '--threshold', 'severe', '--findings', 'x'], '--threshold must be critical, high, medium or low, not "severe"'],
    [['--cloud', 'aws', '--threshold', 'high'], 'give --findings FILE, or --registry and --repository to read the scan'],
    [['--cloud', 'aws', '--threshold', 'high', '--findings', 'x', '--wait-seconds', '10m'], 'take a number of seconds, not "10m"'],
    [['--cloud', 'harbor', '--threshold', 'high', '--registry', 'harbor.example.com', '--repository', 'api'], '--registry must be HOST/PROJECT on Harbor, not "harbor.example.com"'],
    [['--cloud', 'harbor', '--threshold', 'high', '--registry', 'harbor.example.com/platform', '--repository', 'api'], 'give --authfile FILE'],
    // Hostile-user sweep: the second of a single-valued option silently won (a gate loosened by a later --threshold low).
    [['--cloud', 'aws', '--threshold', 'critical', '--threshold', 'low', '--findings', 'x'], 'option --threshold is given twice; give it once'],
    [['--cloud', 'aws', '--threshold', 'high', '--findings', 'x', '--digest', DIGEST], 'option --digest is given twice; give it once'],
  ])('bad arguments: %j', (args, message) => {
    const r = gate(args);
    expect([r.code, r.err]).toEqual([1, expect.stringContaining(message)]);
  });
});

describe('bounded wait with the cloud CLIs (stand-ins that answer pending N times)', () => {
  /** A stand-in for `tool` that prints `pending` for its first `times` calls, then `final`, and logs its arguments. */
  function standIn(tool: string, pending: string, times: number, final: string): { bin: string; log: string } {
    const bin = join(work, `${tool}-${times}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(bin);
    const log = join(bin, 'calls');
    writeFileSync(join(bin, tool), [
      '#!/bin/sh',
      `printf '%s\\n' "$*" >>'${log}'`,
      `n=$(wc -l <'${log}')`,
      `if [ "$n" -le ${times} ]; then cat '${pending}'; else cat '${final}'; fi`,
      '',
    ].join('\n'), { mode: 0o755 });
    return { bin, log };
  }
  const run = (cloud: string, bin: string, wait: number) => gate(
    ['--cloud', cloud, '--threshold', 'critical', '--registry', cloud === 'azure' ? 'platformprod.azurecr.io' : '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      '--repository', 'platform/staging/api', '--wait-seconds', String(wait), '--interval-seconds', '0'],
    { PATH: `${bin}:${process.env.PATH}` },
  );

  test('ECR: waits while IN_PROGRESS, then decides on the complete scan; asks for the digest in the account of the host', () => {
    const { bin, log } = standIn('aws', join(OUTPUTS, 'aws-in-progress.json'), 2, join(OUTPUTS, 'aws-basic-complete.json'));
    const r = run('aws', bin, 5);
    expect(r.code).toBe(1);
    expect(r.out.match(/is pending; waiting/g)).toHaveLength(2);
    expect(r.err).toContain('findings at or above critical: CVE-2024-0001(CRITICAL)');
    expect(readFileSync(log, 'utf8').split('\n')[0]).toBe(
      `ecr describe-image-scan-findings --registry-id 123456789012 --repository-name platform/staging/api --image-id imageDigest=${DIGEST} --output json`,
    );
  });

  test('ECR: a scan that stays pending past the deadline is refused (bounded: deadline / interval + 1 calls)', () => {
    const { bin, log } = standIn('aws', join(OUTPUTS, 'aws-in-progress.json'), 1000, join(OUTPUTS, 'aws-basic-complete.json'));
    const r = gate(['--cloud', 'aws', '--threshold', 'critical', '--registry', '1.dkr.ecr.r.amazonaws.com', '--repository', 'r', '--wait-seconds', '3', '--interval-seconds', '1'],
      { PATH: `${bin}:${process.env.PATH}` });
    expect([r.code, r.err]).toEqual([1, `scan-gate: error: refusing ${DIGEST}: its scan is still pending after 3s\n`]);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  test('Artifact Registry: waits while SCANNING, then passes when nothing reaches the threshold after the allowlist', () => {
    const { bin, log } = standIn('gcloud', join(OUTPUTS, 'gcp-scanning.json'), 1, join(OUTPUTS, 'gcp-success.json'));
    const r = gate(['--cloud', 'gcp', '--threshold', 'critical', '--registry', 'us-docker.pkg.dev/my-project', '--repository', 'platform/api',
      '--allow', 'CVE-2024-5555', '--wait-seconds', '5', '--interval-seconds', '0'], { PATH: `${bin}:${process.env.PATH}` });
    expect([r.code, r.err]).toEqual([0, '']);
    expect(readFileSync(log, 'utf8').split('\n')[0]).toBe(
      `artifacts docker images describe us-docker.pkg.dev/my-project/platform/api@${DIGEST} --show-package-vulnerability --format=json`,
    );
  });

  test('Defender: no row yet, then the findings appear; the query names the registry host and the digest', () => {
    const { bin, log } = standIn('az', join(OUTPUTS, 'azure-none.json'), 1, join(OUTPUTS, 'azure-findings.json'));
    const r = gate(['--cloud', 'azure', '--threshold', 'high', '--registry', 'platformprod.azurecr.io', '--repository', 'platform/api',
      '--wait-seconds', '5', '--interval-seconds', '0'], { PATH: `${bin}:${process.env.PATH}` });
    expect(r.code).toBe(1);
    expect(r.err).toContain('CVE-2024-8888(HIGH)');
    const call = readFileSync(log, 'utf8');
    expect(call).toContain('graph query --first 1000 --output json -q securityresources');
    expect(call).toContain(`properties.additionalData.artifactDetails.digest == '${DIGEST}'`);
    expect(call).toContain('registryHost =~ \'platformprod.azurecr.io\'');
  });

  describe('Harbor: the REST API through curl (a stand-in that answers from the recorded outputs)', () => {
    const DIGEST_PATH = `artifacts/${DIGEST}`;
    /**
     * A stand-in for curl: logs its arguments and its standard input (the config with the credentials),
     * writes the artifact (Running for the first `running` calls, then the recorded Success) or the
     * vulnerabilities addition to --output, and prints the HTTP status given in `status` (default 200).
     */
    function harborCurl(running: number, status = '200'): { bin: string; log: string; stdin: string } {
      const bin = join(work, `curl-${Math.random().toString(36).slice(2)}`);
      mkdirSync(bin);
      const log = join(bin, 'calls');
      const stdin = join(bin, 'stdin');
      writeFileSync(join(bin, 'curl'), [
        '#!/bin/sh',
        `printf '%s\\n' "$*" >>'${log}'`,
        `cat >>'${stdin}'`,
        'out=; url=',
        'while [ $# -gt 0 ]; do case $1 in --output) out=$2; shift 2 ;; https://*) url=$1; shift ;; *) shift ;; esac; done',
        `n=$(grep -c with_scan_overview '${log}')`,
        'case $url in',
        `  */additions/vulnerabilities) jq .vulnerabilities '${join(OUTPUTS, 'harbor-success.json')}' >"$out" ;;`,
        `  *) if [ "$n" -le ${running} ]; then jq .artifact '${join(OUTPUTS, 'harbor-running.json')}' >"$out"; else jq .artifact '${join(OUTPUTS, 'harbor-success.json')}' >"$out"; fi ;;`,
        'esac',
        `printf '%s' '${status}'`,
        '',
      ].join('\n'), { mode: 0o755 });
      return { bin, log, stdin };
    }
    const authfile = join(work, 'harbor-auth.json');
    // What `skopeo login --authfile` writes: {"auths": {host: {"auth": base64("user:secret")}}} (containers-auth.json(5)).
    writeFileSync(authfile, JSON.stringify({ auths: { 'harbor.example.com': { auth: Buffer.from('robot$platform-staging+promote-prod:s3cr"et').toString('base64') } } }));
    const runHarbor = (bin: string, extra: string[] = []) => gate(['--cloud', 'harbor', '--threshold', 'critical', '--registry', 'harbor.example.com/platform-staging',
      '--repository', 'jobs/worker', '--authfile', authfile, '--wait-seconds', '5', '--interval-seconds', '0', ...extra], { PATH: `${bin}:${process.env.PATH}` });

    test('waits while Running, then reads the report; the repository name is URL-encoded twice; credentials only on standard input', () => {
      const { bin, log, stdin } = harborCurl(2);
      const r = runHarbor(bin);
      expect(r.out.match(/is pending; waiting/g)).toHaveLength(2);
      expect([r.code, r.err]).toEqual([1, expect.stringContaining('findings at or above critical: CVE-2024-3001(CRITICAL)')]);
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      // swagger.yaml, parameter repository_name: "If it contains slash, encode it twice over with URL encoding. e.g. a/b -> a%2Fb -> a%252Fb".
      const base = 'https://harbor.example.com/api/v2.0/projects/platform-staging/repositories/jobs%252Fworker';
      expect(calls.map((c) => c.split(' ').pop())).toEqual([
        `${base}/${DIGEST_PATH}?with_scan_overview=true`,
        `${base}/${DIGEST_PATH}?with_scan_overview=true`,
        `${base}/${DIGEST_PATH}?with_scan_overview=true`,
        `${base}/${DIGEST_PATH}/additions/vulnerabilities`,
      ]);
      expect(calls.join('\n')).not.toContain('s3cr');
      // curl's config syntax: a double quote inside a quoted value is escaped.
      expect(readFileSync(stdin, 'utf8')).toBe('user = "robot$platform-staging+promote-prod:s3cr\\"et"\n'.repeat(4));
    });

    test('passes with the allowlist; refuses on an access error naming the robot permissions it needs', () => {
      expect(runHarbor(harborCurl(0).bin, ['--allow', 'CVE-2024-3001'])).toMatchObject({ code: 0, err: '' });
      const denied = runHarbor(harborCurl(0, '403').bin);
      expect([denied.code, denied.err]).toEqual([1, expect.stringContaining('(HTTP 403): the promoter\'s robot needs artifact:read and artifact-addition:read in the source project')]);
      const missing = runHarbor(harborCurl(0, '404').bin);
      expect(missing.err).toContain('Harbor has no harbor.example.com/platform-staging/jobs/worker@sha256:');
    });

    test('an auth file without the host is refused before any request', () => {
      const other = join(work, 'other-auth.json');
      writeFileSync(other, JSON.stringify({ auths: { 'registry.example.com': { auth: 'dTpw' } } }));
      const { bin, log } = harborCurl(0);
      const r = gate(['--cloud', 'harbor', '--threshold', 'critical', '--registry', 'harbor.example.com/p', '--repository', 'api', '--authfile', other],
        { PATH: `${bin}:${process.env.PATH}` });
      expect([r.code, r.err]).toEqual([1, expect.stringContaining('has no credentials for harbor.example.com: skopeo login harbor.example.com first')]);
      expect(() => readFileSync(log)).toThrow();
    });
  });

  test('ECR: ScanNotFoundException (no scan yet) is pending, another error fails at once', () => {
    const bin = join(work, 'aws-errors');
    mkdirSync(bin);
    writeFileSync(join(bin, 'aws'), '#!/bin/sh\necho "An error occurred (AccessDeniedException) when calling the DescribeImageScanFindings operation" >&2\nexit 254\n', { mode: 0o755 });
    const denied = run('aws', bin, 5);
    expect([denied.code, denied.err]).toEqual([1, expect.stringContaining('aws ecr describe-image-scan-findings failed: An error occurred (AccessDeniedException)')]);
    writeFileSync(join(bin, 'aws'), '#!/bin/sh\necho "An error occurred (ScanNotFoundException) when calling the DescribeImageScanFindings operation" >&2\nexit 254\n', { mode: 0o755 });
    const none = run('aws', bin, 0);
    expect([none.code, none.err]).toEqual([1, `scan-gate: error: refusing ${DIGEST}: its scan is still pending after 0s\n`]);
  });
});

test('shellcheck: the gate is clean POSIX sh', () => {
  const res = spawnSync('shellcheck', ['-s', 'sh', GATE], { encoding: 'utf8' });
  expect([res.status, res.stdout]).toEqual([0, '']);
});
