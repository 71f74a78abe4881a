import type { HostToMain, MainCallName, MainCallResult, MainCalls } from './protocol';

/** The host's requests to main (what only main has), each answered by one `main-reply`. */
export class MainCallClient {
  private nextId = 1;
  private readonly pending = new Map<number, (result: MainCallResult<MainCallName>) => void>();

  constructor(private readonly post: (message: HostToMain) => void) {}

  call<N extends MainCallName>(name: N, input: MainCalls[N]['input']): Promise<MainCalls[N]['output']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (result) => {
        if (result.ok) resolve(result.value as MainCalls[N]['output']);
        else reject(new Error(`main could not ${name}: ${result.message}`));
      });
      this.post({ kind: 'main-call', id, name, input });
    });
  }

  settle(id: number, result: MainCallResult<MainCallName>): void {
    const settle = this.pending.get(id);
    this.pending.delete(id);
    settle?.(result);
  }
}
