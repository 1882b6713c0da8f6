import type { Route } from '../../lib/router.svelte';
import InstrumentNow from './InstrumentNow.svelte';
import MyBookings from './MyBookings.svelte';
import Schedule from './Schedule.svelte';
import SlotFinder from './SlotFinder.svelte';

export const researcherRoutes: Route[] = [
  { path: '/find', component: SlotFinder, nav: 'researcher:nav.find', role: 'any' },
  { path: '/schedule', component: Schedule, nav: 'researcher:nav.schedule', role: 'any' },
  { path: '/bookings', component: MyBookings, nav: 'researcher:nav.bookings', role: 'any' },
  { path: '/i/:instrumentId', component: InstrumentNow },
];
