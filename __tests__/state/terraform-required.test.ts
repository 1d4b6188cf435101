import { requireTerraform } from './terraform';

describe('the Terraform tests need terraform 1.11.x', () => {
  it('fail, never skip, with a line saying so when terraform is not on PATH', () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent-tokenscope-path';
    try {
      expect(() => requireTerraform()).toThrow(new Error('terraform 1.11.x is required on PATH for the Terraform tests (not found)'));
    } finally {
      process.env.PATH = saved;
    }
  });

  it('find it here', () => {
    expect(requireTerraform()).toMatch(/^1\.11\.\d+$/);
  });
});
