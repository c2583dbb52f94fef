// Browser check of the Swagger UI: headless Debian Chromium, driven by playwright-core, opens BASE/docs,
// checks that the /accounts and /transactions operations are listed, authorises with the admin token,
// runs GET /accounts with "Try it out" and "Execute", and expects 200. Saves a screenshot either way.
//
//   BASE_URL=http://127.0.0.1:8000 ADMIN_TOKEN=... node tests/browser/docs-check.mjs [screenshot.png]
//
// Environment: BASE_URL (default http://127.0.0.1:8000), ADMIN_TOKEN (required),
// CHROMIUM_PATH (default /usr/bin/chromium), SCREENSHOT (default target/docs-screenshot.png).
// Exit code 0 only when every check passed.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

const base = (process.env.BASE_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
const token = process.env.ADMIN_TOKEN;
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const screenshot = process.argv[2] || process.env.SCREENSHOT || 'target/docs-screenshot.png';
const timeout = 30_000;

if (!token) {
  console.error('FAIL browser: ADMIN_TOKEN is not set');
  process.exit(2);
}

const failures = [];
function check(ok, label) {
  console.log(`${ok ? 'PASS' : 'FAIL'} browser: ${label}`);
  if (!ok) failures.push(label);
  return ok;
}

const userDataDir = mkdtempSync(join(tmpdir(), 'docs-check-chromium-'));
let context;
try {
  // launchPersistentContext takes the empty profile folder as --user-data-dir.
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 1400 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);

  const docs = await page.goto(`${base}/docs`, { waitUntil: 'domcontentloaded' });
  check(docs !== null && docs.ok(), `GET /docs answers (${docs ? docs.status() : 'no response'}, at ${page.url()})`);

  const spec = await (await page.request.get(`${base}/openapi.json`)).json();
  check(spec?.components?.securitySchemes?.bearerAuth?.scheme === 'bearer',
    'openapi.json declares the bearer scheme bearerAuth');
  const schemas = Object.values(spec?.components?.schemas ?? {});
  check(schemas.some((schema) => schema?.properties?.owner_id) && !schemas.some((schema) => schema?.properties?.ownerId),
    'openapi.json schemas name properties in snake_case, as the API does (owner_id)');

  await page.locator('.opblock').first().waitFor({ state: 'visible' });
  const paths = await page.locator('.opblock-summary-path').evaluateAll(
    (nodes) => nodes.map((n) => n.getAttribute('data-path') || n.textContent.trim()));
  check(paths.some((p) => p.startsWith('/accounts')), `operations list /accounts endpoints (${paths.filter((p) => p.startsWith('/accounts')).length})`);
  check(paths.some((p) => p.startsWith('/transactions')), `operations list /transactions endpoints (${paths.filter((p) => p.startsWith('/transactions')).length})`);

  // Authorize with the bearer token (scheme bearerAuth).
  await page.locator('.auth-wrapper button.authorize').click();
  const dialog = page.locator('.modal-ux');
  await dialog.waitFor({ state: 'visible' });
  await dialog.locator('input').first().fill(token);
  await dialog.locator('.auth-btn-wrapper button.authorize').click();
  // Once authorised, the dialog offers "Logout" in place of "Authorize".
  const authorised = await dialog.getByRole('button', { name: /logout|remove authorization/i }).first()
    .waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
  check(authorised, 'Authorize accepted the bearer token');
  await dialog.locator('button.btn-done').click();
  await dialog.waitFor({ state: 'hidden' });

  // GET /accounts: expand, Try it out, Execute.
  const operation = page.locator('.opblock.opblock-get')
    .filter({ has: page.locator('.opblock-summary-path[data-path="/accounts"]') })
    .first();
  await operation.locator('.opblock-summary').first().click();
  await operation.locator('button.try-out__btn').click();
  await operation.locator('button.execute').click();
  const status = operation.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor({ state: 'visible' });
  const code = (await status.innerText()).trim();
  check(code === '200', `GET /accounts from the page returned ${code || 'nothing'}`);
  const body = await operation.locator('.live-responses-table .response-col_description pre').first()
    .innerText().catch(() => '');
  check(body.includes('"items"'), 'the response shown is a page of accounts ("items")');

  await operation.scrollIntoViewIfNeeded();
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: false });
  console.log(`browser: screenshot saved to ${screenshot}`);
} catch (error) {
  check(false, `unexpected error: ${error.message.split('\n')[0]}`);
  try {
    const page = context?.pages()[0];
    if (page) {
      mkdirSync(dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot });
      console.log(`browser: screenshot of the failure saved to ${screenshot}`);
    }
  } catch {
    // the screenshot is a courtesy; the failure is already recorded
  }
} finally {
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.log(`FAIL browser: ${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('PASS browser: Swagger UI lists the endpoints and runs GET /accounts with 200');
