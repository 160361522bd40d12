/** Swarm secrets and configs: immutable objects a task gets as files, found by labels. */
import type { LabelSelector, ResourceSummary } from '../../../contracts/engine.js';
import { engineStatus } from '../engine-errors.js';
import { bodyOnly, labelFilter, type ClientContext } from './client-context.js';

type Kind = 'secret' | 'config';

interface ObjectInfo {
  ID: string;
  CreatedAt?: string;
  Spec?: { Name?: string; Labels?: Record<string, string> };
}

export class SwarmObjectClient {
  constructor(
    private readonly context: ClientContext,
    private readonly kind: Kind,
  ) {}

  async list(selector: LabelSelector): Promise<ResourceSummary[]> {
    const { docker } = this.context;
    const filters = { filters: { label: labelFilter(selector) } };
    try {
      const objects = (this.kind === 'secret'
        ? await docker.listSecrets(filters)
        : await docker.listConfigs(filters)) as unknown as ObjectInfo[];
      return objects.map((object) => ({
        id: object.ID,
        name: object.Spec?.Name ?? object.ID,
        labels: object.Spec?.Labels ?? {},
        ...(object.CreatedAt ? { createdAt: object.CreatedAt } : {}),
      }));
    } catch (error) {
      throw this.context.fail(error, `list swarm ${this.kind}s`);
    }
  }

  async ensure(name: string, content: string, labels: Record<string, string>): Promise<void> {
    const { docker } = this.context;
    const body = bodyOnly({ Name: name, Labels: labels, Data: Buffer.from(content).toString('base64') });
    try {
      if (this.kind === 'secret') await docker.createSecret(body);
      else await docker.createConfig(body);
    } catch (error) {
      // Named by content: one by that name holds the same bytes.
      if (engineStatus(error) === 409) return;
      throw this.context.fail(error, `create swarm ${this.kind} ${name}`);
    }
  }

  async remove(id: string): Promise<void> {
    const { docker } = this.context;
    await this.context.removeIfPresent(
      () => (this.kind === 'secret' ? docker.getSecret(id).remove() : docker.getConfig(id).remove()),
      `remove swarm ${this.kind} ${id}`,
    );
  }
}
