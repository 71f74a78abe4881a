import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { useSettingsStore } from './settings';

export const ROUTES = ['overview', 'configuration', 'sources', 'timeline', 'keys', 'alerts', 'stamp'] as const;
export type RouteName = (typeof ROUTES)[number];
export type PageName = Exclude<RouteName, 'configuration'>;

/** The side navigation, in order, with each entry's name. */
export const NAV_ENTRIES: ReadonlyArray<{ route: RouteName; label: string }> = [
  { route: 'overview', label: 'Overview' },
  { route: 'configuration', label: 'Configuration' },
  { route: 'sources', label: 'Sources' },
  { route: 'timeline', label: 'Timeline' },
  { route: 'keys', label: 'Keys and certificates' },
  { route: 'alerts', label: 'Alerts' },
  { route: 'stamp', label: 'Azure Stack Hub stamp' },
];

/** Each route's heading, also the first part of the document title. */
export const ROUTE_TITLES: Record<RouteName, string> = {
  overview: 'Infrastructure backup',
  configuration: 'Backup controller settings',
  sources: 'Sources',
  timeline: 'Timeline',
  keys: 'Keys and certificates',
  alerts: 'Alerts',
  stamp: 'Azure Stack Hub stamp',
};

export const PRODUCT_TITLE = 'Infrastructure Backup Console';

/** Older links (#/essentials, #/backups) lead to the blade that now holds both. */
const ALIASES: Record<string, RouteName> = { essentials: 'overview', backups: 'overview' };

export function routeFromHash(hash: string): RouteName {
  const name = hash.replace(/^#\/?/, '');
  if ((ROUTES as readonly string[]).includes(name)) return name as RouteName;
  return ALIASES[name] ?? 'overview';
}

/**
 * Where the operator is: a page of the blade, and whether the configuration
 * panel is open over the overview. The URL hash keeps it across reloads.
 * Leaving the panel with unsaved changes asks first.
 */
export const useNavigationStore = defineStore('navigation', () => {
  const route = ref<RouteName>(routeFromHash(window.location.hash));
  /** Where the operator asked to go while the panel had unsaved changes. */
  const pendingRoute = ref<RouteName | null>(null);

  const page = computed<PageName>(() => (route.value === 'configuration' ? 'overview' : route.value));
  const panelOpen = computed(() => route.value === 'configuration');
  const documentTitle = computed(() => `${ROUTE_TITLES[route.value]} · ${PRODUCT_TITLE}`);

  function commit(next: RouteName): void {
    route.value = next;
    pendingRoute.value = null;
    const hash = `#/${next}`;
    if (window.location.hash !== hash) window.location.hash = hash;
  }

  function go(next: RouteName): void {
    if (route.value === 'configuration' && next !== 'configuration' && useSettingsStore().dirty) {
      pendingRoute.value = next;
      return;
    }
    commit(next);
  }

  /** The browser moved (back button, typed URL): the same guard applies. */
  function followHash(hash: string): void {
    const next = routeFromHash(hash);
    if (next === route.value) return;
    if (route.value === 'configuration' && useSettingsStore().dirty) {
      window.location.hash = '#/configuration';
      pendingRoute.value = next;
      return;
    }
    commit(next);
  }

  function discardAndLeave(): void {
    const next = pendingRoute.value ?? 'overview';
    useSettingsStore().discard();
    commit(next);
  }

  function stay(): void {
    pendingRoute.value = null;
  }

  return { route, page, panelOpen, pendingRoute, documentTitle, go, followHash, discardAndLeave, stay };
});
