// A small history router: routes are registered per area (researcher, manager, admin).
import type { Component } from 'svelte';

export interface Route {
  /** "/find", "/i/:instrumentId" */
  path: string;
  component: Component<any>;
  /** Shown in the navigation under this i18n key (namespace:key); absent: not in the navigation. */
  nav?: string;
  /** Who sees it in the navigation. */
  role?: 'any' | 'manager' | 'admin';
  /** A badge count loader for the navigation (e.g. pending approvals). */
  badge?: () => Promise<number>;
  public?: boolean;
}

class Router {
  path = $state(location.pathname + location.search);

  constructor() {
    addEventListener('popstate', () => { this.path = location.pathname + location.search; });
  }

  go(to: string, replace = false) {
    if (replace) history.replaceState(null, '', to); else history.pushState(null, '', to);
    this.path = to;
  }

  get pathname() { return this.path.split('?')[0]; }
  get query() { return new URLSearchParams(this.path.split('?')[1] ?? ''); }
}

export const router = new Router();

export function match(routes: Route[], pathname: string): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    const a = route.path.split('/'), b = pathname.split('/');
    if (a.length !== b.length) continue;
    const params: Record<string, string> = {};
    if (a.every((seg, i) => (seg.startsWith(':') ? ((params[seg.slice(1)] = decodeURIComponent(b[i])), true) : seg === b[i]))) {
      return { route, params };
    }
  }
  return null;
}

/** Svelte action for in-app links: <a href="/find" use:link>. */
export function link(node: HTMLAnchorElement) {
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    router.go(node.getAttribute('href')!);
  };
  node.addEventListener('click', onClick);
  return { destroy: () => node.removeEventListener('click', onClick) };
}
