/**
 * The HTML drift report opened in headless Chromium (Debian's `chromium`): the rendered page
 * is checked (drifted cells present and marked, reasons shown, provenance on hover, nothing
 * loaded from anywhere) and a screenshot is kept under test-artifacts/.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN, EXAMPLE, REPO, runCli, tempDir } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO, 'test-artifacts');
const profile = tempDir('exportctl-chromium-');
let context: BrowserContext;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install -y chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await context?.close();
  profile.cleanup();
});

/** Writes the report of a project, opens it, and records every request and console error. */
async function open(
  project: string,
  name: string,
): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const file = join(ARTIFACTS, `${name}.html`);
  const r = runCli(['drift', '--format', 'html', '--output', file], { cwd: project });
  // Only the line that says where the report went.
  expect(r.stderr).toMatch(/^exportctl: wrote \S+\.html: [^\n]+\n$/);
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  return { page, requests, errors };
}

describe('the HTML drift report in Chromium', () => {
  it('broken example: drifted cells are present and marked, allowed ones carry their reason', async () => {
    const { page, requests, errors } = await open(BROKEN, 'drift-broken');
    expect(await page.title()).toBe('Drift: broken-export');
    expect(await page.locator('#status').textContent()).toBe('drift');

    const headers = await page.locator('thead th').allInnerTexts();
    expect(headers.map((h) => h.trim())).toEqual(['Path', 'dev', 'prod reference', 'Verdict']);

    const drifted = page.locator('td[data-status="drift"], td[data-status="missing"]');
    expect(await drifted.count()).toBe(7);
    const timeout = page.locator('tr[data-path="export.timeout"] td[data-env="dev"]');
    expect(await timeout.getAttribute('data-status')).toBe('drift');
    // Marked as drift on screen: the red background, the bold weight and the ✗ marker.
    const look = await timeout.evaluate((el) => {
      const s = getComputedStyle(el);
      return { bg: s.backgroundColor, weight: s.fontWeight, mark: getComputedStyle(el, '::before').content };
    });
    expect(look).toEqual({ bg: 'rgb(254, 228, 226)', weight: '700', mark: '"✗ "' });
    expect(await timeout.evaluate((el) => el.firstChild?.textContent)).toBe('300');
    const ref = page.locator('tr[data-path="export.timeout"] td[data-env="prod"]');
    expect(await ref.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe('rgb(254, 228, 226)');

    const allowed = page.locator('tr[data-path="export.output.format"] td[data-env="dev"]');
    expect(await allowed.getAttribute('data-status')).toBe('allowed');
    expect(await allowed.locator('.reason').textContent()).toBe('dev tries a new output format');
    expect(await allowed.locator('.reason').isVisible()).toBe(true);

    // Provenance appears on hover.
    const tip = timeout.locator('.prov');
    expect(await tip.isVisible()).toBe(false);
    await timeout.hover();
    expect(await tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toMatch(/^config\/envs\/dev\.yaml:4:12 · .*drift · prod: 300s$/);

    const findings = await page.locator('ul.findings li').allInnerTexts();
    expect(findings).toHaveLength(6);

    const shot = join(ARTIFACTS, 'drift-broken.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);

    // Self-contained: the page itself is the only thing loaded, and CSP reported nothing.
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the example project: allowed differences and no drift', async () => {
    const { page, errors } = await open(EXAMPLE, 'drift-orders-export');
    expect(await page.locator('#status').textContent()).toBe('no drift');
    expect(await page.locator('td[data-status="drift"], td[data-status="missing"]').count()).toBe(0);
    expect(await page.locator('td[data-status="allowed"]').count()).toBeGreaterThanOrEqual(9);
    expect(await page.locator('#drifted').textContent()).toBe('0');
    await page.screenshot({ path: join(ARTIFACTS, 'drift-orders-export.png'), fullPage: true });
    expect(existsSync(join(ARTIFACTS, 'drift-orders-export.png'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
