#!/usr/bin/env node
// A local Trino cluster for the engine tests and benchmarks: a coordinator that schedules no work
// and N workers, each its own JVM on loopback, with a Hive catalog `lake` over Parquet files in a
// local folder (file metastore, local file system). No container engine is needed.
//
//   node scripts/trino-cluster.mjs install          download Trino and its Hive plugin (cached)
//   node scripts/trino-cluster.mjs start [--workers N]
//   node scripts/trino-cluster.mjs status | stop
//
// Downloads come from Maven Central and are checked against its SHA-1 files; they are kept in
// RETAIN_TRINO_CACHE (default ~/.cache/retain/trino) so that later runs on one machine reuse them.
// RETAIN_TRINO_HEAP_MB sets each node's heap (1024 by default: enough for the tests; the engines
// benchmark gives its own clusters more for 10 million order lines).
// Trino 476 needs Java 24 or later: JAVA_HOME when it is one, else the newest JDK under
// /usr/lib/jvm. `start` prints the engine URL (trino://retain@127.0.0.1:PORT/lake/default) and
// writes it to <cluster dir>/url once every node is active.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const VERSION = process.env.RETAIN_TRINO_VERSION ?? '476';
const MIN_JAVA = 24;
const CACHE = process.env.RETAIN_TRINO_CACHE ?? path.join(os.homedir(), '.cache', 'retain', 'trino');
const DIR = process.env.RETAIN_TRINO_DIR ?? path.join(CACHE, 'cluster');
const PORT = Number(process.env.RETAIN_TRINO_PORT ?? 18080);
// Each node's Java heap, in MB; a query may hold 3/8 of it on a node, twice that on the cluster.
const HEAP_MB = Number(process.env.RETAIN_TRINO_HEAP_MB ?? 1024);
if (!Number.isInteger(HEAP_MB) || HEAP_MB < 512) {
  console.error(
    `trino-cluster: RETAIN_TRINO_HEAP_MB must be a whole number of MB, 512 or more (got ${process.env.RETAIN_TRINO_HEAP_MB})`,
  );
  process.exit(2);
}
const QUERY_MB_PER_NODE = Math.floor((HEAP_MB * 3) / 8);
const MAVEN = process.env.RETAIN_MAVEN_URL ?? 'https://repo1.maven.org/maven2';
const USER = 'retain';
const artifacts = {
  server: { group: 'io/trino', name: 'trino-server-core', ext: 'tar.gz' },
  hive: { group: 'io/trino', name: 'trino-hive', ext: 'zip' },
};

function fail(message) {
  console.error(`trino-cluster: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) {
    fail(`${command} ${args.join(' ')} failed: ${(result.stderr || result.stdout || '').trim().slice(-400)}`);
  }
  return result.stdout;
}

async function download({ group, name, ext }) {
  const file = path.join(CACHE, `${name}-${VERSION}.${ext}`);
  const url = `${MAVEN}/${group}/${name}/${VERSION}/${name}-${VERSION}.${ext}`;
  const sha1 = async () => (await (await fetch(`${url}.sha1`)).text()).trim().split(/\s+/)[0];
  const digest = (f) => createHash('sha1').update(fs.readFileSync(f)).digest('hex');
  if (fs.existsSync(file) && fs.existsSync(`${file}.sha1`)) {
    if (digest(file) === fs.readFileSync(`${file}.sha1`, 'utf8').trim()) return file;
  }
  console.log(`downloading ${url}`);
  const expected = await sha1();
  const response = await fetch(url);
  if (!response.ok) fail(`${url}: HTTP ${response.status}`);
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, Buffer.from(await response.arrayBuffer()));
  if (digest(partial) !== expected) fail(`${url}: checksum does not match Maven Central's`);
  fs.renameSync(partial, file);
  fs.writeFileSync(`${file}.sha1`, expected);
  return file;
}

async function install() {
  fs.mkdirSync(CACHE, { recursive: true });
  const home = path.join(CACHE, 'x', `trino-server-core-${VERSION}`);
  const hive = path.join(CACHE, 'x', `trino-hive-${VERSION}`);
  if (fs.existsSync(path.join(home, 'bin', 'launcher')) && fs.existsSync(hive)) return { home, hive };
  const server = await download(artifacts.server);
  const plugin = await download(artifacts.hive);
  fs.mkdirSync(path.join(CACHE, 'x'), { recursive: true });
  run('tar', ['-xzf', server, '-C', path.join(CACHE, 'x')]);
  const unzip = spawnSync('unzip', ['-q', '-o', plugin, '-d', path.join(CACHE, 'x')], { encoding: 'utf8' });
  if (unzip.error || unzip.status !== 0) {
    // No unzip on this machine: Python's zipfile does the same.
    run('python3', ['-m', 'zipfile', '-e', plugin, path.join(CACHE, 'x')]);
  }
  if (!fs.existsSync(path.join(home, 'bin', 'launcher')))
    fail(`${home}/bin/launcher is missing after unpacking`);
  return { home, hive };
}

function javaMajor(javaHome) {
  const result = spawnSync(path.join(javaHome, 'bin', 'java'), ['-version'], { encoding: 'utf8' });
  const match = /version "(\d+)/.exec(result.stderr ?? '');
  return match ? Number(match[1]) : 0;
}

function findJava() {
  const candidates = [process.env.JAVA_HOME, ...listJvms()].filter(Boolean);
  const usable = candidates
    .map((home) => ({ home, major: javaMajor(home) }))
    .filter((j) => j.major >= MIN_JAVA)
    .sort((a, b) => b.major - a.major);
  if (usable.length === 0) {
    fail(`Trino ${VERSION} needs Java ${MIN_JAVA} or later; none found (JAVA_HOME, /usr/lib/jvm)`);
  }
  return usable[0].home;
}

function listJvms() {
  const root = '/usr/lib/jvm';
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).map((d) => path.join(root, d));
}

function properties(values) {
  return `${Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

function writeNode(name, { coordinator, port, pluginDir, lake, environment }) {
  const root = path.join(DIR, name);
  const etc = path.join(root, 'etc');
  fs.mkdirSync(path.join(etc, 'catalog'), { recursive: true });
  fs.mkdirSync(path.join(root, 'data'), { recursive: true });
  fs.writeFileSync(
    path.join(etc, 'node.properties'),
    properties({
      'node.environment': environment,
      'node.id': name,
      'node.data-dir': path.join(root, 'data'),
      'node.internal-address': '127.0.0.1',
      'plugin.dir': pluginDir,
    }),
  );
  fs.writeFileSync(
    path.join(etc, 'jvm.config'),
    [
      '-server',
      `-Xmx${HEAP_MB}M`,
      '-XX:+UseG1GC',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djdk.attach.allowAttachSelf=true',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(etc, 'config.properties'),
    properties({
      coordinator: String(coordinator),
      ...(coordinator ? { 'node-scheduler.include-coordinator': 'false' } : {}),
      'http-server.http.port': port,
      'discovery.uri': `http://127.0.0.1:${PORT}`,
      'query.max-memory': `${QUERY_MB_PER_NODE * 2}MB`,
      'query.max-memory-per-node': `${QUERY_MB_PER_NODE}MB`,
    }),
  );
  fs.writeFileSync(
    path.join(etc, 'catalog', 'lake.properties'),
    properties({
      'connector.name': 'hive',
      'hive.metastore': 'file',
      'hive.metastore.catalog.dir': 'local:///metastore',
      'fs.native-local.enabled': 'true',
      'local.location': lake,
      'hive.non-managed-table-writes-enabled': 'true',
      // DuckDB writes timestamps with microseconds; Hive's default would cut them to milliseconds.
      'hive.timestamp-precision': 'MICROSECONDS',
    }),
  );
  return root;
}

function nodeNames() {
  if (!fs.existsSync(DIR)) return [];
  return fs.readdirSync(DIR).filter((d) => fs.existsSync(path.join(DIR, d, 'etc', 'node.properties')));
}

function launcher(home, javaHome, root, verb) {
  return spawnSync(
    path.join(home, 'bin', 'launcher'),
    [verb, `--etc-dir=${path.join(root, 'etc')}`, `--data-dir=${root}`],
    {
      encoding: 'utf8',
      env: { ...process.env, JAVA_HOME: javaHome, PATH: `${javaHome}/bin:${process.env.PATH}` },
    },
  );
}

async function statement(sql) {
  let response = await fetch(`http://127.0.0.1:${PORT}/v1/statement`, {
    method: 'POST',
    headers: { 'X-Trino-User': USER },
    body: sql,
  });
  let body = await response.json();
  const rows = [];
  for (;;) {
    if (body.error) throw new Error(body.error.message);
    if (body.data) rows.push(...body.data);
    if (!body.nextUri) return rows;
    response = await fetch(body.nextUri, { headers: { 'X-Trino-User': USER } });
    body = await response.json();
  }
}

async function activeNodes() {
  try {
    return await statement("SELECT node_id, coordinator FROM system.runtime.nodes WHERE state = 'active'");
  } catch {
    return null;
  }
}

async function start(workers) {
  const { home, hive } = await install();
  const javaHome = findJava();
  await stop(true);
  fs.rmSync(DIR, { recursive: true, force: true });
  const pluginDir = path.join(DIR, 'plugin');
  const lake = path.join(DIR, 'lake');
  fs.mkdirSync(pluginDir, { recursive: true });
  fs.mkdirSync(lake, { recursive: true });
  fs.symlinkSync(hive, path.join(pluginDir, 'hive'));
  // Every port the nodes take must be free: a node left over from another cluster on them would
  // answer in this one's place.
  for (let port = PORT; port <= PORT + workers; port += 1) {
    if (await inUse(port))
      fail(`port ${port} is in use (another Trino node?): stop it, or set RETAIN_TRINO_PORT`);
  }
  // An environment of this start's own: a node of another cluster cannot join this one.
  const environment = `retain_${randomBytes(4).toString('hex')}`;
  const node = (name, coordinator, port) =>
    writeNode(name, { coordinator, port, pluginDir, lake, environment });
  const roots = [node('coordinator', true, PORT)];
  for (let i = 1; i <= workers; i += 1) roots.push(node(`worker-${i}`, false, PORT + i));
  for (const root of roots) {
    const started = launcher(home, javaHome, root, 'start');
    if (started.status !== 0)
      fail(`could not start ${path.basename(root)}: ${started.stderr || started.stdout}`);
  }
  const deadline = Date.now() + Number(process.env.RETAIN_TRINO_START_TIMEOUT_S ?? 420) * 1000;
  for (;;) {
    const nodes = await activeNodes();
    if (nodes && nodes.length === workers + 1) break;
    if (Date.now() > deadline) {
      const logs = roots.map((r) => tail(path.join(r, 'var', 'log', 'server.log'))).join('\n');
      await stop(true);
      fail(
        `the cluster did not come up: ${nodes ? nodes.length : 0} of ${workers + 1} nodes active\n${logs}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  await statement("CREATE SCHEMA IF NOT EXISTS lake.default WITH (location = 'local:///default')").catch(
    () => {},
  );
  const url = `trino://${USER}@127.0.0.1:${PORT}/lake/default`;
  fs.writeFileSync(path.join(DIR, 'url'), `${url}\n`);
  fs.writeFileSync(path.join(DIR, 'lake-dir'), `${lake}\n`);
  console.log(url);
}

/** Whether something accepts connections on a loopback port. */
function inUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function tail(file) {
  if (!fs.existsSync(file)) return `${file}: no log`;
  return `${file}:\n${fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n')}`;
}

async function stop(quiet = false) {
  const home = path.join(CACHE, 'x', `trino-server-core-${VERSION}`);
  if (!fs.existsSync(home)) return;
  const javaHome = findJava();
  for (const name of nodeNames()) {
    const root = path.join(DIR, name);
    const result = launcher(home, javaHome, root, 'stop');
    if (!quiet) console.log(`${name}: ${(result.stdout || result.stderr).trim()}`);
    // A node that did not stop when asked is killed: it must not outlive its cluster.
    if (launcher(home, javaHome, root, 'status').status === 0) launcher(home, javaHome, root, 'kill');
  }
}

async function status() {
  const nodes = await activeNodes();
  if (!nodes) {
    console.log('no cluster answering');
    process.exit(3);
  }
  for (const [id, coordinator] of nodes) console.log(`${id}${coordinator ? ' (coordinator)' : ''}: active`);
}

const [verb, ...rest] = process.argv.slice(2);
const workersFlag = rest.indexOf('--workers');
const workers = workersFlag >= 0 ? Number(rest[workersFlag + 1]) : 1;
if (!Number.isInteger(workers) || workers < 1 || workers > 8)
  fail('--workers must be a whole number from 1 to 8');
switch (verb) {
  case 'install':
    console.log((await install()).home);
    break;
  case 'start':
    await start(workers);
    break;
  case 'stop':
    await stop();
    break;
  case 'status':
    await status();
    break;
  default:
    fail('usage: trino-cluster.mjs install | start [--workers N] | status | stop');
}
