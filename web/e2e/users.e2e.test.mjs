// Browser end-to-end: an admin adds a petugas user with a role on the region's agency (first
// tripping the password rule), then that user signs in and has no Users entry in the navigation.
// Real server, real SQLite, real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newDataDir, addUser, launchBrowser, snap, PASSWORD, WEB_DIR } from './lib.mjs';

let server, chrome, page;
const NEW_PASSWORD = 'sandi-petugas-2024';

before(async () => {
  const dataDir = newDataDir();
  addUser(dataDir, 'admin', 'admin');
  server = await startServer({ dataDir, args: ['--web-dir', WEB_DIR] });
  chrome = await launchBrowser();
  page = chrome.browser.pages()[0] || (await chrome.browser.newPage());
  page.setDefaultTimeout(15000);
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

const tid = (id) => `[data-testid="${id}"]`;

async function login(p, username, password = PASSWORD) {
  await p.goto(server.url + '/');
  await p.waitForSelector(tid('login-form'));
  await p.fill(tid('login-username'), username);
  await p.fill(tid('login-password'), password);
  await p.click(tid('login-submit'));
  await p.waitForSelector(tid('nav-dashboard'));
}

async function logout(p) {
  await p.click(tid('user-menu'));
  await p.click(tid('logout'));
  await p.waitForSelector(tid('login-form'));
}

test('an admin sees the users list with themselves in it', async () => {
  await login(page, 'admin');
  assert.match(await page.textContent(tid('nav-users')), /Pengguna/);
  await page.click(tid('nav-users'));
  await page.waitForSelector(tid('users-table-row'));
  const table = await page.textContent(tid('users-table'));
  assert.match(table, /admin/);
  assert.match(table, /Admin/);
  assert.match(table, /Aktif/);
});

test('the admin creates a petugas user, after the password rule stops a short one', async () => {
  await page.click(tid('user-create'));
  await page.waitForSelector(tid('user-form'));
  await page.fill(tid('user-username'), 'Siti.Petugas');
  await page.fill(tid('user-display-name'), 'Siti Aminah');
  await page.fill(tid('user-email'), 'siti@berau.go.id');
  await page.fill(tid('user-telegram'), '@siti');
  await page.fill(tid('user-password'), 'pendek');
  await page.fill(tid('user-password-confirm'), 'pendek');
  // The form starts with one empty role row.
  assert.equal(await page.locator(tid('user-role-row')).count(), 1);
  await page.selectOption(tid('user-role-role'), 'petugas');
  // The role's explanation shows under the select.
  await page.locator(tid('user-role-row')).getByText('mengoperasikan akun dan menjawab publik').waitFor();
  // The region created with the database ("Pemerintah Daerah").
  await page.selectOption(tid('user-role-agency'), { label: 'Pemerintah Daerah' });
  // A second row that is then removed again.
  await page.click(tid('user-role-add'));
  assert.equal(await page.locator(tid('user-role-row')).count(), 2);
  await page.locator(tid('user-role-remove')).nth(1).click();
  assert.equal(await page.locator(tid('user-role-row')).count(), 1);

  await page.click(tid('form-submit'));
  await page.waitForSelector(tid('field-error-user-password'));
  assert.match(await page.textContent(tid('field-error-user-password')), /10/);
  assert.match(await page.textContent(tid('field-error-user-telegram')), /ID angka Telegram/);
  assert.match(await page.textContent(tid('form-error')), /Periksa/);
  await snap(page, 'users-01-password-too-short');

  await page.fill(tid('user-telegram'), '123456789');
  await page.fill(tid('user-password'), NEW_PASSWORD);
  await page.fill(tid('user-password-confirm'), NEW_PASSWORD);
  await page.click(tid('form-submit'));
  await page.waitForURL(/\/users$/);
  const stored = await page.evaluate(async () => (await (await fetch('/api/v1/users')).json()).items.find((u) => u.username === 'siti.petugas'));
  assert.equal(stored.telegram_chat_id, '123456789');
  await page.waitForSelector(`${tid('toast')}:has-text("Siti Aminah")`);
  const row = page.locator(tid('users-table-row'), { hasText: 'siti.petugas' });
  await row.waitFor();
  const text = await row.textContent();
  assert.match(text, /Siti Aminah/);
  assert.match(text, /Petugas/);
  assert.match(text, /Pemerintah Daerah/);
  assert.match(text, /Aktif/);
  await snap(page, 'users-02-list');
});

test('the search narrows the list', async () => {
  await page.fill(tid('user-search'), 'aminah');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="users-table-row"]').length === 1);
  assert.match(await page.textContent(tid('users-table')), /siti\.petugas/);
  await page.fill(tid('user-search'), '');
});

test('the edit form keeps the admin from locking themselves out', async () => {
  const own = page.locator(tid('users-table-row'), { hasText: '@admin' });
  await own.locator(tid('user-edit')).click();
  await page.waitForSelector(tid('user-form'));
  await page.waitForFunction(() => document.querySelector('[data-testid="user-username"]')?.value === 'admin');
  assert.equal(await page.isDisabled(tid('user-active')), true);
  await page.selectOption(tid('user-role-role'), 'koordinator');
  await page.click(tid('form-submit'));
  await page.waitForSelector(tid('field-error-user-roles'));
  await page.click(`.crumb a`);
  await page.waitForURL(/\/users$/);
});

test('an appointment (SK) can be linked to the new humas user', async () => {
  await page.click(tid('nav-appointments'));
  await page.click(tid('appointment-create'));
  await page.waitForSelector(tid('appointment-form'));
  await page.waitForSelector(`${tid('appointment-user')} option:has-text("siti.petugas")`, { state: 'attached' });
  await page.selectOption(tid('appointment-agency'), { label: 'Pemerintah Daerah' });
  await page.selectOption(tid('appointment-role'), 'petugas');
  await page.fill(tid('appointment-person-name'), 'Siti Aminah');
  await page.fill(tid('appointment-decree-number'), '800/12/DKI/2026');
  await page.fill(tid('appointment-decree-date'), '2026-01-05');
  await page.fill(tid('appointment-valid-from'), '2026-01-05');
  await page.selectOption(tid('appointment-user'), { label: 'Siti Aminah (siti.petugas)' });
  await snap(page, 'users-06-appointment-user');
  await page.click(tid('form-submit'));
  await page.waitForURL(/\/directory\/agencies\/\d+$/);
  await page.click(tid('nav-appointments'));
  await page.locator(tid('appointments-table-row'), { hasText: '800/12/DKI/2026' }).locator(tid('appointment-edit')).click();
  await page.waitForSelector(tid('appointment-form'));
  await page.waitForFunction(() => {
    const sel = document.querySelector('[data-testid="appointment-user"]');
    return sel && sel.selectedOptions[0]?.textContent?.includes('siti.petugas');
  });
  await page.click(`.crumb a`);
});

test('the users pages are in English too', async () => {
  await page.click(tid('nav-users'));
  await page.selectOption(tid('language-select'), 'en');
  await page.waitForFunction(() => document.querySelector('[data-testid="nav-users"]')?.textContent?.includes('Users'));
  await page.waitForSelector(tid('users-table-row'));
  assert.match(await page.textContent(tid('users-table')), /Officer/);
  await page.click(tid('user-create'));
  await page.selectOption(tid('user-role-role'), 'petugas');
  await page.locator(tid('user-role-row')).getByText('operates the accounts and answers the public').waitFor();
  await page.click(tid('form-submit'));
  await page.waitForSelector(tid('field-error-user-username'));
  assert.match(await page.textContent('main'), /Add at least|Required|required/i);
  await snap(page, 'users-07-english-validation');
  await page.selectOption(tid('language-select'), 'id');
});

test('the new user signs in and has no Users entry', async () => {
  await logout(page);
  await login(page, 'siti.petugas', NEW_PASSWORD);
  await page.waitForSelector(tid('nav-agencies'));
  assert.equal(await page.locator(tid('nav-users')).count(), 0);
  assert.equal(await page.locator(tid('nav-audit')).count(), 0);
  // The page itself is closed too.
  await page.goto(server.url + '/users');
  await page.locator('main').getByText('Halaman tidak ditemukan').waitFor();
  assert.equal(await page.locator(tid('users-table')).count(), 0);
  await snap(page, 'users-03-petugas');
});

test('deactivating a user asks first, and the user can no longer sign in', async () => {
  await logout(page);
  await login(page, 'admin');
  await page.click(tid('nav-users'));
  await page.locator(tid('users-table-row'), { hasText: 'siti.petugas' }).locator(tid('user-edit')).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="user-username"]')?.value === 'siti.petugas');
  await page.click(tid('user-active'));
  await page.waitForSelector(tid('confirm-dialog'));
  assert.match(await page.textContent(tid('confirm-dialog')), /Siti Aminah/);
  await page.click(tid('confirm-cancel'));
  assert.equal(await page.isChecked(tid('user-active')), true);
  await page.click(tid('user-active'));
  await page.click(tid('confirm-ok'));
  assert.equal(await page.isChecked(tid('user-active')), false);
  await page.click(tid('form-submit'));
  await page.waitForURL(/\/users$/);
  const row = page.locator(tid('users-table-row'), { hasText: 'siti.petugas' });
  await row.locator(`${tid('user-status')}:has-text("Nonaktif")`).waitFor();

  await logout(page);
  await page.fill(tid('login-username'), 'siti.petugas');
  await page.fill(tid('login-password'), NEW_PASSWORD);
  await page.click(tid('login-submit'));
  await page.waitForSelector(tid('login-error'));
});

test('on a phone the users list and form fit the screen', async () => {
  await login(page, 'admin');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(server.url + '/users');
  await page.waitForSelector(tid('users-table-row'));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the phone`);
  await snap(page, 'users-04-phone-list');
  await page.locator(tid('users-table-row'), { hasText: 'siti.petugas' }).locator(tid('user-edit')).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="user-username"]')?.value === 'siti.petugas');
  const formOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(formOverflow <= 1, `form is ${formOverflow}px wider than the phone`);
  await snap(page, 'users-05-phone-edit');
  await page.setViewportSize({ width: 1366, height: 900 });
});
