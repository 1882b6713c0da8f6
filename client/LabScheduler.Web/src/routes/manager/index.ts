// Lab managers' screens (instruments and rules, opening hours, blackouts, sign-offs, approvals,
// quotas, QR labels, usage): add routes here with role 'manager'.
import type { Route } from '../../lib/router.svelte';

export const managerRoutes: Route[] = [];
