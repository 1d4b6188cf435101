import { Construct } from 'constructs';
import { stringToHclTerraform, stringToTerraform, TerraformDataSource } from 'cdktf';
import { DataGitlabProject } from '@cdktf/provider-gitlab/lib/data-gitlab-project';

/**
 * A `gitlab_project` data source looked up by path that exposes only `id`: the
 * same JSON as the provider's `DataGitlabProject({ pathWithNamespace })`.
 *
 * Why not the binding: its constructor builds three nested computed lists
 * (push rules, container expiration policy, shared groups), each capturing a
 * full stack trace; with a data source for every scope's own project that was
 * half of a large org's synth time.
 */
export class ProjectIdLookup extends TerraformDataSource {
  readonly pathWithNamespace: string;

  constructor(scope: Construct, id: string, pathWithNamespace: string) {
    super(scope, id, {
      terraformResourceType: DataGitlabProject.tfResourceType,
      terraformGeneratorMetadata: { providerName: 'gitlab' },
    });
    this.pathWithNamespace = pathWithNamespace;
  }

  /** The project's numeric id, as Terraform's string attribute. */
  get id(): string {
    return this.getStringAttribute('id');
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { path_with_namespace: stringToTerraform(this.pathWithNamespace) };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return {
      path_with_namespace: { value: stringToHclTerraform(this.pathWithNamespace), isBlock: false, type: 'simple', storageClassType: 'string' },
    };
  }
}
