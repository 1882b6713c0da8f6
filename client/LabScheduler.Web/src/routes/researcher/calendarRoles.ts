// The resource timeline of @event-calendar/core 5 labels its markup as an ARIA table whose rows
// and row headers do not nest as a table's must (the row heads sit beside the rows, not in
// them), which axe reports as critical and screen readers read as a broken grid. The timeline is
// a picture of the schedule for the mouse; its accessible form is the list view (real tables).
// So the calendar's table roles are taken off, and the container is a labelled group.
const TABLE_ROLES = ['table', 'rowgroup', 'row', 'rowheader', 'columnheader', 'cell', 'gridcell'];
const TABLE_ATTRIBUTES = ['aria-colindex', 'aria-rowindex', 'aria-colspan', 'aria-rowspan'];

function strip(root: HTMLElement) {
  for (const el of root.querySelectorAll<HTMLElement>('[role]')) {
    if (TABLE_ROLES.includes(el.getAttribute('role')!)) el.removeAttribute('role');
  }
  for (const el of root.querySelectorAll<HTMLElement>(TABLE_ATTRIBUTES.map((a) => `[${a}]`).join(','))) {
    for (const a of TABLE_ATTRIBUTES) el.removeAttribute(a);
  }
}

/** Svelte action on the element around the calendar. */
export function calendarRoles(node: HTMLElement) {
  strip(node);
  const observer = new MutationObserver(() => strip(node));
  observer.observe(node, { subtree: true, childList: true, attributes: true, attributeFilter: ['role', ...TABLE_ATTRIBUTES] });
  return { destroy: () => observer.disconnect() };
}
