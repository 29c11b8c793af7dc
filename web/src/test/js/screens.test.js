// The lists of modules app.js fetches at once with each role's screen are the screen's real imports, so that no
// level of imports is left to be discovered one round trip after another, and nothing is fetched for nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const JS = fileURLToPath(new URL('../../main/resources/static/js/', import.meta.url));

function staticImports(file) {
  const source = readFileSync(JS + file, 'utf8');
  return [...source.matchAll(/^import\s[^;]*?\sfrom\s'\.\/([a-z]+\.js)';/gm)].map((m) => m[1]);
}

function closure(file) {
  const seen = new Set();
  const pending = [file];
  while (pending.length) {
    for (const dependency of staticImports(pending.pop())) {
      if (!seen.has(dependency)) {
        seen.add(dependency);
        pending.push(dependency);
      }
    }
  }
  return seen;
}

function screenModules() {
  const source = readFileSync(JS + 'app.js', 'utf8');
  const block = /const SCREEN_MODULES = \{([\s\S]*?)\n\};/.exec(source);
  assert.ok(block, 'app.js declares SCREEN_MODULES');
  const lists = {};
  for (const [, role, files] of block[1].matchAll(/([A-Z]+): \[([^\]]*)\]/g)) {
    lists[role] = [...files.matchAll(/'([a-z]+\.js)'/g)].map((m) => m[1]);
  }
  return lists;
}

const SCREENS = { NURSE: 'nurse.js', SPECIALIST: 'specialist.js', COORDINATOR: 'coordinator.js', ADMIN: 'admin.js' };

test('each role screen is fetched with exactly the modules it imports beyond the boot', () => {
  const boot = closure('app.js');
  boot.add('app.js');
  const lists = screenModules();
  assert.deepEqual(Object.keys(lists).sort(), Object.keys(SCREENS).sort());
  for (const [role, screen] of Object.entries(SCREENS)) {
    const needed = [screen, ...[...closure(screen)].filter((file) => !boot.has(file) && file !== screen).sort()];
    assert.deepEqual([lists[role][0], ...lists[role].slice(1).sort()], needed, `${role}: SCREEN_MODULES in app.js`);
  }
});
