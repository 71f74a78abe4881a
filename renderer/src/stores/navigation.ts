import { defineStore } from 'pinia';
import { ref } from 'vue';

export const VIEWS = ['essentials', 'configuration', 'backups', 'timeline', 'keys', 'alerts', 'stamp'] as const;
export type ViewName = (typeof VIEWS)[number];

export const VIEW_TITLES: Record<ViewName, string> = {
  essentials: 'Essentials',
  configuration: 'Configuration',
  backups: 'Backups',
  timeline: 'Timeline',
  keys: 'Keys',
  alerts: 'Alerts',
  stamp: 'Azure Stack Hub stamp',
};

function fromHash(): ViewName {
  const name = window.location.hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(name) ? (name as ViewName) : 'essentials';
}

/** The blade's sections; the URL hash keeps the section across reloads. */
export const useNavigationStore = defineStore('navigation', () => {
  const current = ref<ViewName>(fromHash());
  window.addEventListener('hashchange', () => {
    current.value = fromHash();
  });
  function go(view: ViewName): void {
    current.value = view;
    window.location.hash = `#/${view}`;
  }
  return { current, go };
});
