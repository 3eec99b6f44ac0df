// Render an awp HTML report in headless Chromium and check it.
// usage: node render.js REPORT.html [SCREENSHOT.png]
// Chromium: $CHROMIUM, else /usr/bin/chromium (Debian's package), driven by
// playwright-core (no browser download). Checks: every section is present
// with its heading and visible; nothing but the file itself is requested
// (the report must work offline); no console errors; the risk score shows.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [file, shot] = process.argv.slice(2);
const sections = ['overview', 'remediation', 'vulnerabilities', 'secrets', 'threats', 'coverage'];

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'awp-chromium-'));
  // A fresh profile directory: playwright passes it as --user-data-dir.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  let failures = [];
  try {
    const page = await browser.newPage();
    const url = 'file://' + path.resolve(file);
    page.on('request', (req) => { if (req.url() !== url) failures.push(`external request: ${req.url()}`); });
    page.on('console', (msg) => { if (msg.type() === 'error') failures.push(`console error: ${msg.text()}`); });
    page.on('pageerror', (err) => failures.push(`page error: ${err.message}`));
    await page.goto(url, { waitUntil: 'load' });
    for (const id of sections) {
      const sec = page.locator(`section#${id}`);
      if (await sec.count() !== 1) { failures.push(`section #${id}: missing`); continue; }
      if (!(await sec.isVisible())) failures.push(`section #${id}: not visible`);
      const h2 = await sec.locator('h2').first().innerText().catch(() => '');
      if (!h2) failures.push(`section #${id}: no heading`);
      const box = await sec.boundingBox();
      if (!box || box.height < 20) failures.push(`section #${id}: empty box`);
    }
    const score = await page.locator('#overview .score').innerText().catch(() => '');
    if (!/^\d{1,3}\s*\/100$/.test(score.trim())) failures.push(`risk score not shown: "${score}"`);
    const title = await page.title();
    if (!title.startsWith('awp report')) failures.push(`title: "${title}"`);
    if (shot) await page.screenshot({ path: shot, fullPage: true });
    const counts = {};
    for (const id of ['vulnerabilities', 'secrets', 'threats'])
      counts[id] = await page.locator(`section#${id} table tr`).count();
    console.log(JSON.stringify({ file, title, score: score.trim(), rows: counts }));
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  if (failures.length) {
    for (const f of failures) console.error(`FAIL: ${f}`);
    process.exit(1);
  }
})().catch((e) => { console.error(e.message || e); process.exit(2); });
