// Administrators' screens (labs, teams, users, managers, utilization, statements, settlement):
// add routes here with role 'admin'.
import type { Route } from '../../lib/router.svelte';

export const adminRoutes: Route[] = [];
