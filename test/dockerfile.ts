// The Dockerfile read and replayed without Docker, for test/container.test.ts: each stage's
// instructions run in order in a temporary directory that stands for its WORKDIR. An instruction
// or form this file does not know how to replay throws, so a Dockerfile change that the test
// cannot follow fails the test instead of being skipped.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { chmod, cp, mkdir, readFile, stat, symlink } from 'node:fs/promises'
import { basename, dirname, join, posix } from 'node:path'
import { projectRoot } from '../src/paths.js'

export interface Instruction {
  keyword: string
  args: string
}

export interface Stage {
  name: string
  instructions: Instruction[]
}

/** The Dockerfile's stages, with continuation lines joined and comment lines dropped as Docker does. */
export function readDockerfile (path = join(projectRoot, 'Dockerfile')): Stage[] {
  const stages: Stage[] = []
  let pending = ''
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    if (/^\s*#/.test(line)) continue
    const continued = /\\\s*$/.test(line)
    pending += continued ? line.replace(/\\\s*$/, ' ') : line
    if (continued) continue
    const logical = pending.trim()
    pending = ''
    if (logical === '') continue
    const [, word = '', args = ''] = /^(\S+)\s*([\s\S]*)$/.exec(logical) ?? []
    const keyword = word.toUpperCase()
    if (keyword === 'FROM') {
      stages.push({ name: /\sAS\s+(\S+)$/i.exec(args)?.[1] ?? String(stages.length), instructions: [] })
    } else if (stages.length > 0) {
      stages.at(-1)?.instructions.push({ keyword, args: args.trim() })
    } else if (keyword !== 'ARG') {
      throw new Error(`Dockerfile: ${keyword} before the first FROM`)
    }
  }
  return stages
}

/** `ENV a=1 b="two words"` (or the old `ENV a 1`) as an object. */
export function parseEnv (args: string): Record<string, string> {
  if (!/^[^\s=]+=/.test(args)) {
    const [key = '', ...value] = args.split(/\s+/)
    return { [key]: value.join(' ') }
  }
  const env: Record<string, string> = {}
  for (const [, key = '', value = ''] of args.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    env[key] = /^["']/.test(value) ? value.slice(1, -1) : value
  }
  return env
}

/** The exec (JSON) form: the shell form would run under /bin/sh, which does not pass SIGTERM on. */
function execForm (args: string, what: string): string[] {
  let argv: unknown
  try {
    argv = JSON.parse(args)
  } catch {
    argv = undefined
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((arg) => typeof arg === 'string')) {
    throw new Error(`Dockerfile: ${what} must be a JSON array of strings, got ${args}`)
  }
  return argv
}

function milliseconds (duration: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
  const [, amount = '', unit = ''] = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(duration) ?? []
  const factor = units[unit]
  if (factor === undefined) throw new Error(`Dockerfile: cannot read the duration ${duration}`)
  return Number(amount) * factor
}

export interface Healthcheck {
  argv: string[]
  timeoutMs: number
}

function parseHealthcheck (args: string): Healthcheck {
  const [, options = '', command = ''] = /^((?:--\S+\s+)*)CMD\s+([\s\S]*)$/.exec(args) ?? []
  if (command === '') throw new Error(`Dockerfile: HEALTHCHECK ${args} is not HEALTHCHECK [options] CMD [...]`)
  const timeout = /--timeout=(\S+)/.exec(options)?.[1] ?? '30s'
  return { argv: execForm(command, 'HEALTHCHECK CMD'), timeoutMs: milliseconds(timeout) }
}

/** .dockerignore lines as regular expressions over paths in the build context. */
function dockerignorePatterns (text: string): RegExp[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
  return lines.map((line) => {
    if (line.startsWith('!')) throw new Error(`.dockerignore: exceptions (${line}) are not understood by test/dockerfile.ts`)
    const segments = posix.normalize(line.replace(/^\/+/, '')).split('/').map((segment) => segment === '**'
      ? '.*'
      : segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
    return new RegExp(`^${segments.join('/')}(/.*)?$`)
  })
}

export interface Finished {
  code: number | null
  signal: NodeJS.Signals | null
  output: string
}

const running = new Set<ChildProcess>()

/** Runs a command in its own process group, killing the whole group if it outlives `timeoutMs`. */
export async function execute (file: string, args: string[], options: SpawnOptions & { timeoutMs: number }): Promise<Finished> {
  const child = spawn(file, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    killGroup(child)
  }, options.timeoutMs)
  try {
    const [code, signal] = await once(child, 'close') as [number | null, NodeJS.Signals | null]
    return { code, signal, output: timedOut ? `${output}\n(killed after ${options.timeoutMs} ms)` : output }
  } finally {
    clearTimeout(timer)
    running.delete(child)
  }
}

function killGroup (child: ChildProcess): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

/** Kills whatever `execute` still runs (a test that timed out half-way). */
export function killAll (): void {
  for (const child of running) killGroup(child)
}

// A RUN step sees the image's environment, not this test process's: vitest's NODE_ENV=test and the
// npm_* variables `npm test` exports (npm_config_local_prefix=<this project>, …) must not reach
// the npm inside the temporary directory. Kept: what npm needs to find its cache and the registry.
function runEnvironment (): Record<string, string> {
  const kept = /^(PATH|HOME|TMPDIR|LANG|(HTTPS?|NO|ALL)_PROXY|NODE_EXTRA_CA_CERTS|SSL_CERT_(FILE|DIR)|npm_config_(cache|registry|userconfig))$/i
  return Object.fromEntries(Object.entries(process.env)
    .filter((entry): entry is [string, string] => kept.test(entry[0]) && entry[1] !== undefined))
}

/** A replayed stage: what its instructions left behind and declared. */
export interface Built {
  /** The host directory that stands for the stage's WORKDIR. */
  dir: string
  workdir: string | undefined
  env: Record<string, string>
  user: string | undefined
  exposed: string[]
  cmd: string[] | undefined
  healthcheck: Healthcheck | undefined
}

function hostPath (stage: Built, imagePath: string): string {
  if (stage.workdir === undefined) throw new Error('Dockerfile: COPY or RUN before WORKDIR')
  const inside = posix.relative(stage.workdir, posix.resolve(stage.workdir, imagePath))
  if (inside.startsWith('..')) {
    throw new Error(`Dockerfile: ${imagePath} is outside WORKDIR ${stage.workdir}, which test/dockerfile.ts cannot reproduce`)
  }
  return join(stage.dir, inside)
}

export class ImageBuilder {
  /** Each RUN's output, to show when a test fails. */
  readonly log: string[] = []
  private readonly built = new Map<string, Built>()

  constructor (private readonly options: { commandTimeout: number }) {}

  /** Replays every stage under `root` and returns the last one: what `docker build` builds. */
  async build (stages: Stage[], root: string): Promise<Built> {
    const ignored = dockerignorePatterns(await readFile(join(projectRoot, '.dockerignore'), 'utf8'))
    let last: Built | undefined
    for (const stage of stages) last = await this.stage(stage, join(root, `stage-${stage.name}`), ignored)
    if (last === undefined) throw new Error('Dockerfile: no FROM')
    return last
  }

  private async stage (stage: Stage, dir: string, ignored: RegExp[]): Promise<Built> {
    const built: Built = { dir, workdir: undefined, env: {}, user: undefined, exposed: [], cmd: undefined, healthcheck: undefined }
    await mkdir(dir, { recursive: true })
    await chmod(dir, 0o755)
    for (const { keyword, args } of stage.instructions) {
      switch (keyword) {
        case 'ARG':
        case 'LABEL':
          break
        case 'WORKDIR':
          if (built.workdir !== undefined) throw new Error('Dockerfile: a second WORKDIR in a stage is not understood by test/dockerfile.ts')
          built.workdir = args
          break
        case 'ENV':
          Object.assign(built.env, parseEnv(args))
          break
        case 'COPY':
          await this.copy(args, built, ignored)
          break
        case 'RUN':
          await this.run(args, built)
          break
        case 'USER':
          built.user = args
          break
        case 'EXPOSE':
          built.exposed.push(...args.split(/\s+/))
          break
        case 'HEALTHCHECK':
          built.healthcheck = parseHealthcheck(args)
          break
        case 'CMD':
          built.cmd = execForm(args, 'CMD')
          break
        default:
          throw new Error(`Dockerfile: ${keyword} is not understood by test/dockerfile.ts; teach it what the instruction does`)
      }
    }
    this.built.set(stage.name, built)
    return built
  }

  private async copy (args: string, stage: Built, ignored: RegExp[]): Promise<void> {
    if (args.startsWith('[')) throw new Error(`Dockerfile: COPY in JSON form is not understood by test/dockerfile.ts: ${args}`)
    const words = args.split(/\s+/)
    const paths = words.filter((word) => !word.startsWith('--'))
    let from: Built | undefined
    for (const flag of words.filter((word) => word.startsWith('--'))) {
      const name = /^--from=(.+)$/.exec(flag)?.[1]
      if (name === undefined) throw new Error(`Dockerfile: COPY ${flag} is not understood by test/dockerfile.ts`)
      from = this.built.get(name)
      if (from === undefined) throw new Error(`Dockerfile: COPY --from=${name} names no earlier stage`)
    }
    const destination = paths.pop()
    if (destination === undefined || paths.length === 0) throw new Error(`Dockerfile: cannot read COPY ${args}`)
    const target = hostPath(stage, destination)
    const intoDirectory = paths.length > 1 || destination.endsWith('/')
    for (const source of paths) {
      if (/[*?[]/.test(source)) throw new Error(`Dockerfile: COPY wildcards (${source}) are not understood by test/dockerfile.ts`)
      let sourcePath: string
      if (from === undefined) {
        const inContext = posix.normalize(source)
        if (inContext.startsWith('..') || posix.isAbsolute(inContext)) throw new Error(`Dockerfile: COPY ${source} is outside the build context`)
        if (ignored.some((pattern) => pattern.test(inContext))) {
          throw new Error(`Dockerfile: COPY ${source}, but .dockerignore keeps it out of the build context`)
        }
        sourcePath = join(projectRoot, inContext)
      } else {
        sourcePath = hostPath(from, source)
      }
      const isDirectory = (await stat(sourcePath).catch(() => {
        throw new Error(`Dockerfile: COPY ${source}: no such file in the ${from === undefined ? 'build context' : 'source stage'}`)
      })).isDirectory()
      // As in Docker, a directory's contents are copied, not the directory itself.
      const copyTo = isDirectory || !intoDirectory ? target : join(target, basename(source))
      await mkdir(isDirectory ? copyTo : dirname(copyTo), { recursive: true })
      await cp(sourcePath, copyTo, { recursive: true })
    }
  }

  private async run (args: string, stage: Built): Promise<void> {
    if (args.startsWith('[')) throw new Error(`Dockerfile: RUN in JSON form is not understood by test/dockerfile.ts: ${args}`)
    const cwd = hostPath(stage, '.')
    const kept: string[] = []
    for (const command of args.split('&&').map((part) => part.trim())) {
      if (/^npm cache clean\b/.test(command)) {
        // It keeps the image small; run here it would wipe this machine's (and CI's) npm cache.
        continue
      }
      if (/^npm ci$/.test(command)) {
        // The build stage's full install is the lock file the project's own node_modules came from
        // (CI runs `npm ci` before the tests): linked, not installed a second time.
        await symlink(join(projectRoot, 'node_modules'), join(cwd, 'node_modules'), 'dir')
        continue
      }
      if (!/^npm\s/.test(command)) throw new Error(`Dockerfile: RUN ${command}: only npm commands are replayed by test/dockerfile.ts`)
      kept.push(command)
    }
    if (kept.length === 0) return
    const script = kept.join(' && ')
    const env = { ...runEnvironment(), ...stage.env }
    const result = await execute('/bin/sh', ['-c', script], { cwd, env, timeoutMs: this.options.commandTimeout })
    this.log.push(`$ ${script}\n${result.output}`)
    if (result.code !== 0) {
      throw new Error(`Dockerfile: RUN ${script} failed (exit ${String(result.code ?? result.signal)}):\n${result.output}`)
    }
  }
}
