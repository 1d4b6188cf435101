import { requireTerraform, TERRAFORM_MISSING } from './terraform';

describe('the Terraform tests need terraform 1.11.x', () => {
  it('fail, never skip, with a line saying so when terraform is not on PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent-tokenscope-path';
    try {
      // A fresh harness module: the version check is cached per module.
      let fresh: typeof import('../terraform/harness') | undefined;
      jest.isolateModules(() => { fresh = jest.requireActual<typeof import('../terraform/harness')>('../terraform/harness'); });
      await expect(fresh!.requireTerraform()).rejects.toThrow(new Error(TERRAFORM_MISSING));
      expect(TERRAFORM_MISSING).toBe('terraform 1.11.x is required on PATH for the Terraform tests (not found)');
    } finally {
      process.env.PATH = saved;
    }
  });

  it('finds it here', async () => {
    expect(await requireTerraform()).toMatch(/^1\.11\.\d+$/);
  });
});
