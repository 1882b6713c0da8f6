// node scripts/screenshots.mjs <app-url> [out-dir]: signs in as the demo researcher and takes
// screenshots of the main screens in headless Debian Chromium (desktop and a 360-px phone; en,
// ru, zh-CN, fa). Uses the playwright-core that ships inside the Microsoft.Playwright NuGet
// package (no browser download). Also prints the first-load time and the JavaScript size.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const core = process.env.PLAYWRIGHT_CORE
  ?? path.join(homedir(), '.nuget/packages/microsoft.playwright/1.64.1/.playwright/package');
const { chromium } = require(core);
const base = process.argv[2] ?? 'http://127.0.0.1:5080';
const out = process.argv[3] ?? path.resolve('../../docs/screenshots');
if (!existsSync(out)) mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function session(language, viewport) {
  const context = await browser.newContext({ baseURL: base, viewport, timezoneId: 'Asia/Dushanbe', locale: language });
  const page = await context.newPage();
  const started = Date.now();
  await page.goto('/');
  await page.locator('#lang').waitFor();
  const firstLoad = Date.now() - started;
  await page.locator('#lang').selectOption(language);
  const picker = page.locator("button[data-user='alice']");
  if (await picker.count()) await picker.click();
  else { await page.locator('#uid').fill('alice'); await page.locator('#uid').press('Enter'); }
  await page.getByTestId('signed-in-as').waitFor();
  return { page, context, firstLoad };
}

async function slotFinder(page, name) {
  await page.locator('#cat').selectOption('nmr');
  await page.locator('form button.primary').click();
  await page.getByTestId('slot').first().waitFor();
  await page.screenshot({ path: `${out}/${name}-slot-finder.png`, fullPage: false });
}

const desktop = { width: 1280, height: 860 }, phone = { width: 360, height: 740 };
for (const [language, viewport, tag] of [['en', desktop, 'en-desktop'], ['ru', desktop, 'ru-desktop'], ['zh-CN', desktop, 'zh-desktop'], ['fa', desktop, 'fa-desktop'], ['en', phone, 'en-phone'], ['fa', phone, 'fa-phone']]) {
  const { page, context, firstLoad } = await session(language, viewport);
  await slotFinder(page, tag);
  await page.getByTestId('slot').first().locator('button').click();
  await page.locator('dialog[open]').waitFor();
  await page.screenshot({ path: `${out}/${tag}-booking-dialog.png` });
  await page.locator('dialog[open] button[type=submit]').click();
  await page.getByTestId('booked').waitFor();
  await page.locator('dialog[open] button.primary').click();
  await page.goto('/schedule');
  await page.locator('#sc-scope').selectOption('cat:nmr');
  await page.getByTestId('view-zone').waitFor();
  await page.locator('.tl-row-head').first().waitFor();
  // The day of the booking just made: today's, or else tomorrow's timeline.
  if (!await page.locator('.tl-event').first().waitFor({ timeout: 5000 }).then(() => true, () => false)) {
    await page.locator('#sc-date').fill(new Date(Date.now() + 86400000).toISOString().slice(0, 10));
    await page.locator('.tl-event, .tl-bg').first().waitFor({ timeout: 10000 }).catch(() => {});
  }
  // The booking in view (the grid scrolls sideways in its box; on a phone it is below the form).
  await page.locator('.tl-event').first().scrollIntoViewIfNeeded().catch(() => {});
  await page.screenshot({ path: `${out}/${tag}-schedule.png` });
  await page.goto('/bookings');
  await page.getByTestId('booking').first().waitFor();
  await page.screenshot({ path: `${out}/${tag}-my-bookings.png` });
  const instrument = await page.getByTestId('booking').first().locator('h3').evaluate((h) => h.firstChild.textContent.trim());
  await page.goto(`/i/${instrument}`);
  await page.getByTestId('state').waitFor();
  await page.screenshot({ path: `${out}/${tag}-phone-check-in.png` });
  console.log(`${tag}: first load ${firstLoad} ms`);
  await context.close();
}

// JavaScript size: the bytes of every script the page loaded, and gzip-compressed.
const { gzipSync } = await import('node:zlib');
const { page, context } = await session('en', desktop);
const scripts = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js')).map((e) => e.name));
let raw = 0, gz = 0;
for (const url of [...new Set(scripts)]) {
  const body = Buffer.from(await (await fetch(url)).arrayBuffer());
  raw += body.length; gz += gzipSync(body, { level: 9 }).length;
}
console.log(`JavaScript: ${scripts.length} file(s), ${(raw / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip`);
await context.close();
await browser.close();
