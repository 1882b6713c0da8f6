// Lab managers' screens: approvals (with the pending count in the navigation), opening hours and
// blackouts, instruments (rules, sign-offs, quotas, shares, QR labels).
import type { Route } from '../../lib/router.svelte';
import Approvals from './Approvals.svelte';
import OpeningHours from './OpeningHours.svelte';
import { pendingCount } from './common';

export const managerRoutes: Route[] = [
  { path: '/manage/approvals', component: Approvals, nav: 'manager:nav.approvals', role: 'manager', badge: pendingCount },
  { path: '/manage/hours', component: OpeningHours, nav: 'manager:nav.hours', role: 'manager' },
];
