import { constants } from 'node:os';
import type { ApiError, ApiInput, ApiMethod, ApiOutput } from '../../preload/api';
import { dispatch } from '../engine/dispatch';
import { createEngine, type Engine, type EngineDeps } from '../engine/service';
import { createLogger, logFilePath, type Logger } from '../engine/app/logger';
import { defaultConfigDir } from '../engine/app/config-dir';
import { APP_VERSION } from '../version';
import type { CliIo } from './io';

/** An ApiError surfaced by a CLI command; the runner maps it to an exit status. */
export class CliApiError extends Error {
  constructor(readonly apiError: ApiError) {
    super(apiError.message);
  }
}

/**
 * A command stopped by SIGINT/SIGTERM once it had undone what it started (a
 * backup cancelled): it exits as a shell reports a process ended by that
 * signal, 128 + its number (130 for Ctrl-C).
 */
export class CliInterrupted extends CliApiError {
  constructor(
    readonly signal: NodeJS.Signals,
    apiError: ApiError,
  ) {
    super(apiError);
  }

  get exitCode(): number {
    return 128 + (constants.signals[this.signal] ?? 0);
  }
}

export interface GlobalOptions {
  configDir?: string;
  json?: boolean;
  verbose?: boolean;
}

/** What every command gets: the engine for its config dir, output, and stdin. */
export class CliContext {
  private engine: Engine | null = null;
  private log: Logger | null = null;

  constructor(
    readonly io: CliIo,
    private readonly globals: () => GlobalOptions,
  ) {}

  get json(): boolean {
    return this.globals().json === true;
  }

  get configDir(): string {
    return this.globals().configDir ?? defaultConfigDir();
  }

  get verbose(): boolean {
    return this.globals().verbose === true;
  }

  /**
   * Every line goes to the log file in the config folder (with technical
   * causes, scrubbed); stderr shows errors only, or with --verbose everything
   * down to debug as readable text. stdout stays machine-readable with --json.
   */
  get logger(): Logger {
    this.log ??= createLogger({
      level: this.verbose ? 'debug' : (process.env.IBC_LOG_LEVEL ?? 'error'),
      readable: this.verbose,
      destination: { write: (line: string) => this.io.stderr(line) },
      logFile: logFilePath(this.configDir),
    });
    return this.log;
  }

  /** `extra` applies only to the first call, which creates the engine. */
  getEngine(extra: Partial<Pick<EngineDeps, 'notifier'>> = {}): Engine {
    this.engine ??= createEngine({ configDir: this.configDir, version: APP_VERSION, frontDoor: 'cli', logger: this.logger, ...extra });
    return this.engine;
  }

  /** Calls the contract through the same validation path as IPC and HTTP. */
  async call<M extends ApiMethod>(method: M, ...input: ApiInput<M> extends undefined ? [] : [ApiInput<M>]): Promise<ApiOutput<M>> {
    const result = await dispatch(this.getEngine(), method, input[0], this.logger);
    if (!result.ok) throw new CliApiError(result.error);
    return result.value;
  }

  async close(): Promise<void> {
    await this.engine?.close();
  }
}
