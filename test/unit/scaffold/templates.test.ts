/** The templates devenv ships render completely: every placeholder known, every file planned. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { templateDirectory } from '../../../src/adapters/fs/template-directory.js';
import { renderTemplate } from '../../../src/core/scaffold/render-template.js';
import { INIT_TEMPLATES } from '../../../src/core/scaffold/template-catalog.js';

const source = templateDirectory();

describe.each(INIT_TEMPLATES.map((template) => template.name))('template %s', (name) => {
  it('renders with the name everywhere and valid YAML and JSON', async () => {
    const rendered = renderTemplate(await source.files(name), { name: 'shop-api', dbName: 'shop_api' });
    const paths = rendered.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(['.gitignore', 'compose.yaml', 'devenv.yaml']));
    for (const file of rendered) {
      expect(file.content, file.path).not.toMatch(/\{\{|\}\}(?!")/);
      if (/\.ya?ml$/.test(file.path)) expect(() => parse(file.content) as unknown, file.path).not.toThrow();
      if (file.path.endsWith('.json'))
        expect(() => JSON.parse(file.content) as unknown, file.path).not.toThrow();
    }
    expect(
      (parse(rendered.find((file) => file.path === 'compose.yaml')!.content) as { name: string }).name,
    ).toBe('shop-api');
    expect(rendered.find((file) => file.path === '.gitignore')!.content).toContain('secrets.*.env');
  });
});
