import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const load = (lang: string) => JSON.parse(readFileSync(path.join(SRC, 'shared', 'i18n', `${lang}.json`), 'utf8')) as Record<string, unknown>;

function keys(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

describe('Console: translations', () => {
  const en = keys(load('en'));
  const zh = keys(load('zh'));

  it('has the same keys in English and Chinese, none empty', () => {
    expect(zh.sort()).toEqual(en.sort());
    expect(en.length).toBeGreaterThan(150);
  });

  it('has every literal key the code asks for', () => {
    const used = new Set<string>();
    for (const file of sources(SRC)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(150);
    expect([...used].filter((key) => !en.includes(key))).toEqual([]);
  });
});
