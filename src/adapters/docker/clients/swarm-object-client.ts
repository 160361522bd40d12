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

  /** Its id. */
  async ensure(name: string, content: string | Uint8Array, labels: Record<string, string>): Promise<string> {
    const { docker } = this.context;
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const body = bodyOnly({ Name: name, Labels: labels, Data: data.toString('base64') });
    try {
      const created = (
        this.kind === 'secret' ? await docker.createSecret(body) : await docker.createConfig(body)
      ) as { id?: string; ID?: string };
      return created.id ?? created.ID ?? '';
    } catch (error) {
      // Named by content: one by that name holds the same bytes.
      if (engineStatus(error) !== 409) throw this.context.fail(error, `create swarm ${this.kind} ${name}`);
    }
    const found = (await this.list({})).find((object) => object.name === name);
    if (!found)
      throw this.context.fail(
        new Error(`${this.kind} ${name} vanished`),
        `create swarm ${this.kind} ${name}`,
      );
    return found.id;
  }

  async remove(id: string): Promise<void> {
    const { docker } = this.context;
    await this.context.removeIfPresent(
      () => (this.kind === 'secret' ? docker.getSecret(id).remove() : docker.getConfig(id).remove()),
      `remove swarm ${this.kind} ${id}`,
    );
  }
}
