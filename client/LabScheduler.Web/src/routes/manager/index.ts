// Lab managers' screens: approvals (with the pending count in the navigation), opening hours and
// blackouts, instruments and their rules, training sign-offs, team quotas and member-state shares,
// printable QR labels, and the lab's usage.
import type { Route } from '../../lib/router.svelte';
import Approvals from './Approvals.svelte';
import Instruments from './Instruments.svelte';
import Labels from './Labels.svelte';
import OpeningHours from './OpeningHours.svelte';
import Quotas from './Quotas.svelte';
import Training from './Training.svelte';
import Usage from './Usage.svelte';
import { pendingCount } from './common';

export const managerRoutes: Route[] = [
  { path: '/manage/approvals', component: Approvals, nav: 'manager:nav.approvals', role: 'manager', badge: pendingCount },
  { path: '/manage/hours', component: OpeningHours, nav: 'manager:nav.hours', role: 'manager' },
  { path: '/manage/instruments', component: Instruments, nav: 'manager:nav.instruments', role: 'manager' },
  { path: '/manage/training', component: Training, nav: 'manager:nav.training', role: 'manager' },
  { path: '/manage/quotas', component: Quotas, nav: 'manager:nav.quotas', role: 'manager' },
  { path: '/manage/labels', component: Labels, nav: 'manager:nav.labels', role: 'manager' },
  { path: '/manage/usage', component: Usage, nav: 'manager:nav.usage', role: 'manager' },
];
