/**
 * No secret leaks, whatever its shape, through any output: a corpus of secret shapes (each
 * with a unique marker inside the secret) goes through every report format, `print`, drift,
 * rule messages, synth, `export` (driver errors, logs, manifests) and the service's HTTP
 * answers and logs. The marker must never appear; `security/plaintext-secret` must flag each
 * literal shape. A new shape is one line in SHAPES.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../src/check/check-project.js';
import { formatTextReport } from '../../src/report/formats.js';
import { isSecretKey, REDACTED, redactSecrets, redactText } from '../../src/config/secrets.js';
import { EXAMPLE, hasStackTrace, REPO, runCli, tempDir } from '../helpers/cli.js';
import { ALICE, api, seededDb, serviceProject, spawnServe } from '../service/helpers.js';

interface Shape {
  /** Also the label key it is stored under (a secret-named key makes it a key shape). */
  key: string;
  value: (marker: string) => string;
  /** A connection string a driver will be given at run time (`database.url`). */
  url?: boolean;
}

// Unreachable on purpose (port 1): drivers fail and echo what they were given.
const PG = '127.0.0.1:1';
const SHAPES: Shape[] = [
  { key: 'userinfo', url: true, value: (m) => `postgres://app:${m}@${PG}/orders` },
  { key: 'userinfo_at', url: true, value: (m) => `postgres://app:p@${m}@${PG}/orders` },
  { key: 'userinfo_at_end', url: true, value: (m) => `postgres://app:${m}@x@${PG}/orders` },
  { key: 'userinfo_colon', url: true, value: (m) => `postgres://app:a:${m}@${PG}/orders` },
  { key: 'userinfo_slash', url: true, value: (m) => `postgres://app:a/${m}@${PG}/orders` },
  { key: 'redis_userinfo', value: (m) => `redis://:${m}@127.0.0.1:1/0` },
  { key: 'query_password', url: true, value: (m) => `postgres://app@${PG}/orders?password=${m}` },
  { key: 'query_pwd_upper', url: true, value: (m) => `postgres://app@${PG}/orders?sslmode=disable&PWD=${m}` },
  { key: 'query_sslpassword', url: true, value: (m) => `postgres://app@${PG}/orders?sslpassword=${m}` },
  { key: 'query_secret', value: (m) => `https://hooks.example.com/x?secret=${m}#top` },
  { key: 'query_token', value: (m) => `https://hooks.example.com/x?a=1&Token=${m}` },
  { key: 'query_api_key', value: (m) => `https://api.example.com/v1?api_key=${m}` },
  {
    key: 'default_url',
    url: true,
    value: (m) => `\${EXPORTCTL_UNSET_URL:-postgres://app:${m}@${PG}/orders}`,
  },
  { key: 'default_query', value: (m) => `\${EXPORTCTL_UNSET_URL:-postgres://app@db/x?password=${m}}` },
  { key: 'default_userinfo_ref', value: (m) => `postgres://app:\${DB_PASSWORD:-${m}}@db/x` },
  { key: 'jdbc_query', url: true, value: (m) => `jdbc:postgresql://${PG}/orders?user=app&password=${m}` },
  { key: 'jdbc_semicolon', value: (m) => `jdbc:sqlserver://db:1433;user=app;password=${m}` },
  { key: 'dsn', url: true, value: (m) => `host=127.0.0.1 port=1 password=${m} user=app dbname=orders` },
  {
    key: 'dsn_quoted',
    url: true,
    value: (m) => `host=127.0.0.1 port=1 password='with ${m} spaces' user=app`,
  },
  { key: 'dsn_spaced', value: (m) => `host=db password = ${m} user=app` },
  { key: 'password', value: (m) => m },
  { key: 'db_password', value: (m) => `p@ss:${m}/x` },
  { key: 'dbPassword', value: (m) => `${m}` },
  { key: 'api_key', value: (m) => m },
  { key: 'token', value: (m) => `Bearer ${m}` },
  { key: 'client_secret', value: (m) => m },
  { key: 'private_key', value: (m) => `-----BEGIN PRIVATE KEY-----\n${m}\n-----END PRIVATE KEY-----` },
  { key: 'signing_secret', value: (m) => `\${SIGNING_SECRET:-${m}}` },
];

const marker = (i: number) => `Zx${String(i).padStart(2, '0')}qSECRETq${i * 7919}`;
const CORPUS = SHAPES.map((s, i) => ({ ...s, marker: marker(i), text: s.value(marker(i)) }));
const MARKERS = CORPUS.map((c) => c.marker);
/** Pieces of markers too: a fragment is a leak as well (`p@ss@db` once leaked `ss`). */
const FRAGMENTS = MARKERS.flatMap((m) => [m, m.slice(m.indexOf('SECRET'))]);

function expectNoSecret(text: string, what: string): void {
  for (const f of FRAGMENTS)
    expect(text.includes(f), `${what} shows ${f}:\n${text.slice(0, 4000)}`).toBe(false);
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * The label key a shape lives under: `sNN_<key>` for a key shape (`password`, `api_key`…, still
 * secret-named), `sNN_<id>_value` for the others, so only the value's own shape can give it away.
 */
const labelKey = (i: number) =>
  `s${String(i).padStart(2, '0')}_${SHAPES[i].key}${isSecretKey(SHAPES[i].key) ? '' : '_value'}`;

const tmp = tempDir('exportctl-secrets-');
afterAll(() => tmp.cleanup());

/** examples/orders-export with every shape as a dev label, and a pack whose messages interpolate them. */
function leakyProject(name: string, opts: { ruleOff?: boolean; url?: string } = {}): string {
  const dir = path.join(tmp.dir, name);
  const skip = new Set(['data', 'exports', '.exportctl'].map((d) => path.join(EXAMPLE, d)));
  fs.cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !skip.has(src) });
  const labels = Object.fromEntries(CORPUS.map((c, i) => [labelKey(i), c.text]));
  const devFile = path.join(dir, 'config/envs/dev.yaml');
  const dev = YAML.parse(fs.readFileSync(devFile, 'utf8')) as Record<string, Record<string, unknown>>;
  dev.metadata = { ...(dev.metadata ?? {}), labels };
  if (opts.url) dev.database = { ...(dev.database ?? {}), driver: 'postgres', url: opts.url };
  fs.writeFileSync(devFile, YAML.stringify(dev));
  fs.writeFileSync(
    path.join(dir, 'policies/leaky.yaml'),
    YAML.stringify({
      apiVersion: 'exportctl/v1',
      kind: 'PolicyPack',
      name: 'leaky',
      rules: [
        {
          id: 'leaky/url',
          severity: 'warning',
          description: 'Interpolates the database URL and every label into its message.',
          envs: ['dev'],
          assert: 'false',
          path: 'database.url',
          message: 'url ${database.url} labels ${metadata.labels}',
        },
        {
          id: 'leaky/each-label',
          severity: 'warning',
          description: 'Interpolates each label, by key and by item.',
          envs: ['dev'],
          for_each: 'metadata.labels',
          assert: 'false',
          path: 'metadata.labels[*]',
          message: 'label ${index} is ${item}',
        },
        ...CORPUS.map((_, i) => ({
          id: `leaky/label-${i}`,
          severity: 'info',
          description: 'Interpolates one label by its path.',
          envs: ['dev'],
          assert: 'false',
          path: `metadata.labels.${labelKey(i)}`,
          message: `label is \${metadata.labels.${labelKey(i)}}`,
        })),
      ],
    }),
  );
  if (opts.ruleOff) {
    const manifest = path.join(dir, 'exportctl.yaml');
    fs.writeFileSync(
      manifest,
      fs
        .readFileSync(manifest, 'utf8')
        .replace(
          '    export/chunk-size: error',
          '    export/chunk-size: error\n    security/plaintext-secret: "off"\n    database/url: "off"\n    drift/unexpected: "off"\n    drift/missing: "off"',
        ),
    );
  }
  return dir;
}

describe('the definition', () => {
  it.each(CORPUS.map((c) => [c.key, c]))('%s: masked in free text and in a config value', (_, c) => {
    // In free text the key travels with the value (a log field, a JSON body, a YAML line).
    expect(redactText(JSON.stringify({ [c.key]: c.text }))).not.toContain(c.marker);
    expect(redactText(`${c.key}: ${c.text}`)).not.toContain(c.marker);
    if (!isSecretKey(c.key)) expect(redactText(c.text)).not.toContain(c.marker);
    const redacted = JSON.stringify(redactSecrets({ metadata: { labels: { [c.key]: c.text } } }));
    expect(redacted).not.toContain(c.marker);
    expect(redacted).toMatch(new RegExp(`${REDACTED}|\\*\\*\\*\\*`));
  });

  it.each([
    'postgres://exporter:${DB_PASSWORD}@db.internal:5432/orders',
    '${DATABASE_URL}',
    'sqlite:data/orders.db',
    'https://hooks.example.com/${HOOK_PATH}?token=${HOOK_TOKEN}',
    'postgres://${DB_USER:-app}:${DB_PASSWORD}@db/x',
    'https://host:443/users/@me',
    'host=db user=app dbname=orders',
  ])('%s is no secret: kept as written', (text) => {
    expect(redactText(text)).toBe(text);
    expect(redactSecrets({ database: { url: text } })).toEqual({ database: { url: text } });
  });
});

it('hostile texts (2 MB of repeated shapes) redact in bounded time, measured in a child process', () => {
  const script = `
    const { redactText, redactSecrets } = await import(${JSON.stringify(path.join(REPO, 'dist/config/secrets.js'))});
    const N = 2_000_000;
    for (const unit of ['a', 'x://', 'postgres://a:b@', '?password=', 'password: ', '\${A:-', '-----BEGIN PRIVATE KEY-----', ' ', 'a:', 'host=db password=']) {
      const text = unit.repeat(Math.ceil(N / unit.length));
      redactText(text);
      redactSecrets({ password: text, url: text });
    }
    console.log('ok');`;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const ms = performance.now() - t0;
  expect(r.stderr).toBe('');
  expect(r.stdout.trim()).toBe('ok');
  expect(ms).toBeLessThan(30_000);
});

describe('CLI outputs', () => {
  let dir: string;
  beforeAll(() => {
    dir = leakyProject('cli');
  });

  it('security/plaintext-secret flags every literal shape, naming the place only', () => {
    const r = runCli(['check', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const flagged = new Set(
      (JSON.parse(r.stdout).results as Array<{ rule: string; path?: string }>)
        .filter((f) => f.rule === 'security/plaintext-secret')
        .map((f) => f.path),
    );
    for (const [i] of CORPUS.entries())
      expect(flagged, labelKey(i)).toContain(`metadata.labels.${labelKey(i)}`);
  });

  const RUNS: Array<[string, string[]]> = [
    ...['text', 'json', 'sarif', 'junit', 'github', 'gitlab'].map((f): [string, string[]] => [
      `check --format ${f}`,
      ['check', '--format', f],
    ]),
    ['print yaml', ['print', '--env', 'dev']],
    ['print json', ['print', '--env', 'dev', '--format', 'json']],
    ['print --provenance', ['print', '--env', 'dev', '--provenance']],
    ...['text', 'json', 'html', 'markdown', 'sarif', 'github'].map((f): [string, string[]] => [
      `drift --format ${f} --all`,
      ['drift', '--format', f, '--all'],
    ]),
    ['synth', ['synth', '--out', 'synth.out']],
    ['export', ['export', '--env', 'dev']],
  ];
  it.each(RUNS)('%s shows no secret', (_, args) => {
    const r = runCli(args, { cwd: dir });
    expect(r.stdout.length + r.stderr.length).toBeGreaterThan(20);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expectNoSecret(r.stdout, `${args.join(' ')} stdout`);
    expectNoSecret(r.stderr, `${args.join(' ')} stderr`);
  });

  it('rule messages interpolate labels redacted, and print keeps references', () => {
    const r = runCli(['check', '--format', 'json'], { cwd: dir });
    const messages = (JSON.parse(r.stdout).results as Array<{ rule: string; message: string }>)
      .filter((f) => f.rule.startsWith('leaky/'))
      .map((f) => f.message);
    expect(messages.length).toBe(CORPUS.length * 2 + 1);
    expect(messages.join('\n')).toContain('****');
    const printed = runCli(['print', '--env', 'dev'], { cwd: dir }).stdout;
    expect(printed).toContain('${DB_PASSWORD:-****}');
    expect(printed).toContain(`${labelKey(SHAPES.findIndex((s) => s.key === 'password'))}: ${REDACTED}`);
  });

  it('code frames (a terminal) show the source lines redacted', () => {
    const result = checkProject({ cwd: dir });
    const located = result.findings.filter((f) => f.location?.file.endsWith('dev.yaml'));
    expect(located.length).toBeGreaterThanOrEqual(CORPUS.length);
    const text = formatTextReport({
      findings: located,
      cwd: dir,
      files: result.files,
      envs: ['dev'],
      color: false,
      codeFrames: true,
      readSource: (file) => fs.readFileSync(file, 'utf8'),
    });
    expect(text).toContain(`> `);
    expect(text).toContain(labelKey(0));
    expectNoSecret(text, 'code frames');
  });

  it('report and synth files carry no secret', () => {
    const out = path.join(dir, 'report.sarif');
    runCli(['check', '--format', 'sarif', '--output', out], { cwd: dir });
    runCli(['drift', '--format', 'html', '--all', '--output', path.join(dir, 'drift.html')], { cwd: dir });
    const files = [out, path.join(dir, 'drift.html'), ...filesUnder(path.join(dir, 'synth.out'))];
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) expectNoSecret(fs.readFileSync(f, 'utf8'), f);
  });
});

describe('run time: the rule off, secrets reach the drivers', () => {
  const runtime = CORPUS.filter((c) => c.url);

  it.each(runtime.map((c) => [c.key, c]))(
    'export with database.url %s: driver errors and logs show no secret',
    (_, c) => {
      const dir = leakyProject(`export-${c.key}`, { ruleOff: true, url: c.text });
      const r = runCli(['export', '--env', 'dev'], { cwd: dir, timeout: 60_000 });
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/SOURCE_UNAVAILABLE|CONFIG_INVALID|SOURCE_QUERY_FAILED/);
      expect(hasStackTrace(r.stderr)).toBe(false);
      expectNoSecret(r.stdout + r.stderr, `export ${c.key}`);
      // What the job leaves behind (state, checkpoints, partial files); the config holds the secret on purpose.
      for (const f of [...filesUnder(path.join(dir, 'exports')), ...filesUnder(path.join(dir, '.exportctl'))])
        expectNoSecret(fs.readFileSync(f, 'latin1'), f);
    },
  );

  it('a successful export: stdout, logs and manifest show no secret', () => {
    const dir = leakyProject('export-ok', { ruleOff: true });
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.copyFileSync(seededDb(200), path.join(dir, 'data/orders.db'));
    const r = runCli(['export', '--env', 'dev', '--full'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const written = filesUnder(path.join(dir, 'exports'));
    expect(written.some((f) => f.endsWith('.manifest.json'))).toBe(true);
    expectNoSecret(r.stdout + r.stderr, 'export');
    for (const f of written) expectNoSecret(fs.readFileSync(f, 'latin1'), f);
  });

  it.each(runtime.map((c) => [c.key, c]))(
    'serve with database.url %s: /config, /readyz, job errors and logs show no secret',
    async (_, c) => {
      const project = serviceProject(seededDb(200));
      try {
        const leaky = leakyProject(`serve-${c.key}`, { ruleOff: true, url: c.text });
        for (const f of ['exportctl.yaml', 'config/envs/dev.yaml', 'policies/leaky.yaml'])
          fs.copyFileSync(path.join(leaky, f), path.join(project.dir, f));
        let svc: Awaited<ReturnType<typeof spawnServe>>;
        try {
          svc = await spawnServe(project.dir);
        } catch (err) {
          // Refused at start (a DSN or JDBC string is no postgres:// URL): a clear error, no secret.
          const log = (err as Error).message;
          expect(log).toMatch(/CONFIG_INVALID: database\.url/);
          expect(hasStackTrace(log)).toBe(false);
          expectNoSecret(log, `serve ${c.key} refusal`);
          return;
        }
        try {
          const bodies: string[] = [];
          for (const p of ['/config', '/readyz', '/healthz']) {
            const res = await fetch(`${svc.url}${p}`, { headers: ALICE });
            bodies.push(await res.text());
          }
          expect(bodies[0]).toContain(labelKey(0));
          expect(JSON.parse(bodies[1]).checks.database.ok).toBe(false);
          const posted = await api(`${svc.url}/exports`, 'POST', ALICE, { full: true });
          bodies.push(JSON.stringify(posted.json));
          const id = posted.json.id;
          if (typeof id === 'string') {
            for (let t = 0; t < 100; t++) {
              const job = await api(`${svc.url}/exports/${id}`, 'GET', ALICE);
              if (job.json.status === 'failed' || job.json.status === 'succeeded') {
                bodies.push(JSON.stringify(job.json));
                break;
              }
              await new Promise((r) => setTimeout(r, 100));
            }
          }
          for (const b of bodies) expectNoSecret(b, `serve ${c.key} HTTP`);
          expectNoSecret(svc.logs(), `serve ${c.key} log`);
          expect(hasStackTrace(svc.logs())).toBe(false);
        } finally {
          svc.child.kill('SIGTERM');
          await svc.exited;
        }
      } finally {
        project.cleanup();
      }
    },
    60_000,
  );
});
