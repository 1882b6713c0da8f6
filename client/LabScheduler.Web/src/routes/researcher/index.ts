import type { Route } from '../../lib/router.svelte';
import SlotFinder from './SlotFinder.svelte';

export const researcherRoutes: Route[] = [
  { path: '/find', component: SlotFinder, nav: 'researcher:nav.find', role: 'any' },
];
