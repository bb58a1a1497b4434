// Starts real PostgreSQL, Redis and RabbitMQ on loopback ports for tests and benchmarks,
// as described in shared/REAL-SERVICES.md: no Docker, no systemd, root on Debian 12.
// Each run gets its own directories under .test-services/ and its own ports, so two runs
// never collide, and stops only the processes it started (by pid).
//
//   const services = await startRealServices({ postgres: true, redis: true, rabbitmq: true });
//   services.env.DATABASE_URL; services.env.REDIS_URL; services.env.AMQP_URL;
//   await services.restartRabbit();
//   await services.stop();
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chownSync, chmodSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const baseDir = process.env.MERIDIAN_TEST_SERVICES_DIR ?? join(reachableTmpDir(), 'meridian-test-services');

/**
 * The postgres and rabbitmq users must be able to walk down to their data folders, which
 * a clone inside a private folder (mktemp -d, a home directory) does not allow: use the
 * system temp dir, falling back to /tmp when TMPDIR sits somewhere private.
 */
function reachableTmpDir() {
  const dir = tmpdir();
  let path = resolve(dir);
  for (;;) {
    if ((statSync(path).mode & 0o001) === 0) return '/tmp';
    const parent = dirname(path);
    if (parent === path) return dir;
    path = parent;
  }
}

/**
 * @typedef {{ DATABASE_URL?: string, REDIS_URL?: string, AMQP_URL?: string }} ServiceEnv
 * @typedef {{ env: ServiceEnv, dir: string, stop(): Promise<void>, restartRabbit(): Promise<void> }} RealServices
 */

/**
 * @param {{ postgres?: boolean, redis?: boolean, rabbitmq?: boolean, log?: (line: string) => void }} [wanted]
 * @returns {Promise<RealServices>}
 */
export async function startRealServices(wanted = {}) {
  const want = { postgres: wanted.postgres ?? true, redis: wanted.redis ?? true, rabbitmq: wanted.rabbitmq ?? true };
  const log = wanted.log ?? ((line) => process.stderr.write(`[real-services] ${line}\n`));
  ensurePackages(want, log);
  mkdirSync(baseDir, { recursive: true });
  cleanOrphans(log);
  const dir = mkdtempSync(join(baseDir, 'run-'));
  // The postgres and rabbitmq users must be able to reach their folders inside it.
  chmodSync(baseDir, 0o755);
  chmodSync(dir, 0o755);

  /** @type {Array<{ name: string, stop(): Promise<void>, killNow(): void }>} */
  const started = [];
  /** @type {ServiceEnv} */
  const env = {};
  let rabbit;
  const state = { ownerPid: process.pid, dir, pids: /** @type {number[]} */ ([]) };
  const saveState = () => writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  saveState();

  const killAllNow = () => {
    for (const s of started) s.killNow();
  };
  const onExit = () => killAllNow();
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    killAllNow();
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const track = (/** @type {{ name: string, stop(): Promise<void>, killNow(): void, pids(): number[] }} */ s) => {
    started.push(s);
    state.pids.push(...s.pids());
    saveState();
    return s;
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await Promise.allSettled(started.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };

  const jobs = [];
  if (want.postgres) {
    jobs.push(
      startPostgres(join(dir, 'postgres')).then((pg) => {
        track(pg);
        env.DATABASE_URL = pg.url;
      }),
    );
  }
  if (want.redis) {
    jobs.push(
      startRedis(join(dir, 'redis')).then((r) => {
        track(r);
        env.REDIS_URL = r.url;
      }),
    );
  }
  if (want.rabbitmq) {
    jobs.push(
      startRabbit(join(dir, 'rabbitmq')).then((r) => {
        rabbit = r;
        track(r);
        env.AMQP_URL = r.url;
      }),
    );
  }
  const results = await Promise.allSettled(jobs);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed && failed.status === 'rejected') {
    await stop();
    throw failed.reason;
  }
  log(`started ${Object.keys(env).join(', ')} in ${dir}`);
  return {
    env,
    dir,
    stop,
    async restartRabbit() {
      if (!rabbit) throw new Error('RabbitMQ was not started by this harness');
      await rabbit.restart();
      state.pids = started.flatMap((s) => s.pids());
      saveState();
    },
  };
}

// ---------------------------------------------------------------------------------------
// Packages

function findPgBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

const RABBIT_BIN = '/usr/lib/rabbitmq/bin';

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function ensurePackages(want, log) {
  const missing = [];
  if (want.postgres && !findPgBin()) missing.push('postgresql');
  if (want.redis && !which('redis-server')) missing.push('redis-server');
  if (want.rabbitmq && !(existsSync(join(RABBIT_BIN, 'rabbitmq-server')) && which('epmd'))) missing.push('rabbitmq-server');
  if (missing.length === 0) return;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`missing ${missing.join(', ')} and no apt-get to install them: install them and retry`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${missing.join(', ')}: run as root, or install them: apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing ${missing.join(', ')} with apt-get`);
  const script = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing.join(' ')}`;
  const r = spawnSync('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`could not install ${missing.join(', ')} (exit ${r.status}):\n${(r.stderr || r.stdout || '').slice(-4000)}`);
  }
}

// ---------------------------------------------------------------------------------------
// Processes and users

function userIds(name) {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`system user ${name} is missing (its Debian package creates it)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** A directory owned by the given user (the servers refuse to run as root). */
function ownedDir(path, user) {
  mkdirSync(path, { recursive: true });
  if (user && process.getuid?.() === 0) {
    const { uid, gid } = userIds(user);
    chownSync(path, uid, gid);
  }
  return path;
}

/** Runs a command to completion (optionally as `user`); rejects with its output on failure. */
function run(cmd, args, { user, env, cwd, timeoutMs = 120_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const ids = user && process.getuid?.() === 0 ? userIds(user) : {};
    const child = spawn(cmd, args, { ...ids, env: env ?? process.env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out.slice(-4000)}`));
    });
  });
}

async function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

function portOpen(port) {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

async function waitForPort(port, timeoutMs, describe) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${describe()} did not open port ${port} within ${timeoutMs / 1000}s`);
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]?.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killPid(pid, signal) {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitGone(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (pid && alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return !pid || !alive(pid);
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').slice(-3000);
  } catch {
    return '(no log)';
  }
}

/**
 * Runs left by a harness process that died without cleaning up (SIGKILL, crash) are
 * stopped and removed. A pid is only signalled when its command line still names the
 * run's directory, so a recycled pid is never hit.
 */
function cleanOrphans(log) {
  for (const name of readdirSync(baseDir)) {
    if (!name.startsWith('run-')) continue;
    const dir = join(baseDir, name);
    let state;
    try {
      state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    } catch {
      continue;
    }
    if (alive(state.ownerPid)) continue;
    for (const pid of state.pids ?? []) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (cmdline.includes(dir)) killPid(pid, 'SIGKILL');
    }
    log(`removed stale ${dir}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

async function startPostgres(dir) {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql');
  ownedDir(dir, 'postgres');
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const port = await freePort();
  await run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], {
    user: 'postgres',
    cwd: dir,
  });
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
  await run(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', logFile, '-w', '-t', '60', 'start'], {
    user: 'postgres',
    cwd: dir,
  }).catch((err) => {
    throw new Error(`PostgreSQL failed to start: ${err.message}\n${tail(logFile)}`);
  });
  const pidFile = join(data, 'postmaster.pid');
  const pid = readPid(pidFile);
  return {
    name: 'postgres',
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pids: () => (pid ? [pid] : []),
    async stop() {
      await run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop'], { user: 'postgres', cwd: dir }).catch(() => {
        killPid(pid, 'SIGQUIT');
      });
      await waitGone(pid, 10_000);
    },
    killNow() {
      killPid(pid, 'SIGQUIT');
    },
  };
}

// ---------------------------------------------------------------------------------------
// Redis

async function startRedis(dir) {
  ownedDir(dir);
  const port = await freePort();
  const pidFile = join(dir, 'redis.pid');
  await run('redis-server', [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'yes',
    '--pidfile', pidFile,
    '--dir', dir,
    '--logfile', join(dir, 'redis.log'),
  ]);
  await waitForPort(port, 15_000, () => `Redis (${tail(join(dir, 'redis.log'))})`);
  const deadline = Date.now() + 5000;
  while (!readPid(pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const pid = readPid(pidFile);
  return {
    name: 'redis',
    url: `redis://127.0.0.1:${port}`,
    pids: () => (pid ? [pid] : []),
    async stop() {
      killPid(pid, 'SIGTERM');
      if (!(await waitGone(pid, 5000))) killPid(pid, 'SIGKILL');
    },
    killNow() {
      killPid(pid, 'SIGKILL');
    },
  };
}

// ---------------------------------------------------------------------------------------
// RabbitMQ

async function startRabbit(dir) {
  ownedDir(dir, 'rabbitmq');
  const home = ownedDir(join(dir, 'home'), 'rabbitmq');
  for (const sub of ['mnesia', 'log', 'plugins-expand']) ownedDir(join(dir, sub), 'rabbitmq');
  const pluginsFile = join(dir, 'enabled_plugins');
  writeFileSync(pluginsFile, '[].\n');
  const confFile = join(dir, 'rabbitmq.conf');
  // A small disk must not stop publishers in tests; the default limit is 50 MB.
  writeFileSync(confFile, 'disk_free_limit.absolute = 10MB\n');
  const envFile = join(dir, 'rabbitmq-env.conf');
  writeFileSync(envFile, '');
  for (const f of [pluginsFile, confFile, envFile]) chownIfRoot(f, 'rabbitmq');

  const [amqpPort, distPort, epmdPort] = await distinctFreePorts(3);
  const node = `meridian-${process.pid}-${amqpPort}@localhost`;
  const pidFile = join(dir, 'rabbitmq.pid');
  const env = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
    HOME: home,
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_FEATURE_FLAGS_FILE: join(dir, 'feature_flags'),
    RABBITMQ_ENABLED_PLUGINS_FILE: pluginsFile,
    RABBITMQ_PLUGINS_EXPAND_DIR: join(dir, 'plugins-expand'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_CONF_ENV_FILE: envFile,
    RABBITMQ_PID_FILE: pidFile,
  };

  // Our own epmd on a private port, a child of this process, so it can be ended by pid and
  // two runs on one machine do not share it.
  const epmd = spawn(which('epmd') ?? 'epmd', ['-port', String(epmdPort), '-address', '127.0.0.1'], {
    stdio: 'ignore',
    ...userIds('rabbitmq'),
  });
  epmd.on('error', () => {});
  await waitForPort(epmdPort, 10_000, () => 'epmd');

  const ctl = (args, timeoutMs) =>
    run(join(RABBIT_BIN, 'rabbitmqctl'), ['-n', node, ...args], { user: 'rabbitmq', env, cwd: dir, timeoutMs });
  const logFile = () => join(dir, 'log', `${node}.log`);

  const start = async () => {
    await run(join(RABBIT_BIN, 'rabbitmq-server'), ['-detached'], { user: 'rabbitmq', env, cwd: dir });
    await waitForPort(amqpPort, 90_000, () => `RabbitMQ (${tail(logFile())})`);
  };
  const stopNode = async () => {
    const pid = readPid(pidFile);
    await ctl(['stop', pidFile], 60_000).catch(() => killPid(pid, 'SIGTERM'));
    if (!(await waitGone(pid, 15_000))) killPid(pid, 'SIGKILL');
    await waitGone(pid, 5000);
  };

  try {
    await start();
  } catch (err) {
    killPid(readPid(pidFile), 'SIGKILL');
    killPid(epmd.pid, 'SIGKILL');
    throw err;
  }
  return {
    name: 'rabbitmq',
    url: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    pids: () => [readPid(pidFile), epmd.pid].filter((p) => p !== undefined),
    /** A full stop and start of the node on the same data: durable queues and messages survive. */
    async restart() {
      await stopNode();
      await start();
    },
    async stop() {
      await stopNode();
      killPid(epmd.pid, 'SIGTERM');
      await waitGone(epmd.pid, 5000);
    },
    killNow() {
      killPid(readPid(pidFile), 'SIGKILL');
      killPid(epmd.pid, 'SIGKILL');
    },
  };
}

function chownIfRoot(path, user) {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = userIds(user);
  chownSync(path, uid, gid);
}

async function distinctFreePorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
