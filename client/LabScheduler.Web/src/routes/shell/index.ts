import type { Route } from '../../lib/router.svelte';
import Settings from './Settings.svelte';

export const shellRoutes: Route[] = [
  { path: '/settings', component: Settings, nav: 'common:nav.settings', role: 'any' },
];
