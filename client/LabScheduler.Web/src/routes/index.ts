// Every area's routes, in navigation order. Each area owns its folder and its index.ts.
import type { Route } from '../lib/router.svelte';
import { researcherRoutes } from './researcher';
import { managerRoutes } from './manager';
import { adminRoutes } from './admin';
import { shellRoutes } from './shell';

export const routes: Route[] = [...researcherRoutes, ...managerRoutes, ...adminRoutes, ...shellRoutes];
