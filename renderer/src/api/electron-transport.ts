import type { ApiMethod, PreloadBridge, ResultApi } from '../../../preload/api';
import type { Transport } from './client';

export function electronTransport(bridge: PreloadBridge): Transport {
  return {
    kind: 'desktop',
    call: (method: ApiMethod, input: unknown) => (bridge.api[method] as (arg: unknown) => ReturnType<ResultApi[ApiMethod]>)(input),
    subscribe: (listener) => bridge.onEvent(listener),
    pickFile: (kind) => bridge.pickFile(kind),
    saveFile: (name, base64) => bridge.saveFile(name, base64),
    pickFolder: () => bridge.pickFolder(),
  };
}
