/** A console engine connected to a mock stamp, with the waits of its retries and polls recorded instead of slept. */
import { createEngine, type Engine } from '../../../main/engine/service';
import { dispatch } from '../../../main/engine/dispatch';
import type { ApiEvent, ApiInput, ApiMethod, ApiOutput, ApiResult } from '../../../preload/api';
import type { StampTiming } from '../../../main/engine/stamp';
import { makeTempDir } from '../../support/temp-dir';

export interface StampConsole {
  engine: Engine;
  configDir: string;
  events: ApiEvent[];
  /** Every wait the stamp client asked for, in milliseconds, in order. */
  waits: number[];
  call<M extends ApiMethod>(method: M, ...input: ApiInput<M> extends undefined ? [] : [ApiInput<M>]): Promise<ApiResult<ApiOutput<M>>>;
  close(): Promise<void>;
}

export const recordingTiming = (waits: number[]): StampTiming => ({
  wait: async (ms) => {
    waits.push(ms);
  },
});

export async function startStampConsole(env: NodeJS.ProcessEnv = {}): Promise<StampConsole> {
  const temp = await makeTempDir('ibc-stamp-');
  const waits: number[] = [];
  const events: ApiEvent[] = [];
  const engine = createEngine({
    configDir: temp.path,
    version: 'test',
    frontDoor: 'cli',
    stamp: { timing: recordingTiming(waits), env },
  });
  engine.onEvent((event) => events.push(event));
  return {
    engine,
    configDir: temp.path,
    events,
    waits,
    call: (method, ...input) => dispatch(engine, method, input[0]),
    close: async () => {
      await engine.close();
      await temp.remove();
    },
  };
}

/** The value of a result, or a failure that names the error (so a test's failure message says what went wrong). */
export function ok<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}
