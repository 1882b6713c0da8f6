// Administrators' screens: the utilization dashboard (charts with tables and CSV), and the
// directory of labs, teams, users and lab managers.
import type { Route } from '../../lib/router.svelte';
import Dashboard from './Dashboard.svelte';
import Directory from './Directory.svelte';

export const adminRoutes: Route[] = [
  { path: '/admin/dashboard', component: Dashboard, nav: 'admin:nav.dashboard', role: 'admin' },
  { path: '/admin/directory', component: Directory, nav: 'admin:nav.directory', role: 'admin' },
];
