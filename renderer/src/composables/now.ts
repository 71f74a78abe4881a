import { onScopeDispose, ref, type Ref } from 'vue';

const now = ref(new Date());
let users = 0;
let timer: ReturnType<typeof setInterval> | null = null;

/** The current time, refreshed every 30 s while any component shows relative times. */
export function useNow(): Ref<Date> {
  users++;
  if (timer === null) timer = setInterval(() => (now.value = new Date()), 30_000);
  onScopeDispose(() => {
    users--;
    if (users === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  });
  return now;
}
