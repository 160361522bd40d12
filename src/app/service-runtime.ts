/** A service of a stack as `up` planned it and as it runs. */
import type { PublishedPort } from '../contracts/engine.js';
import type { ContainerPlan } from '../core/plan/container-request.js';
import type { PostgresCacheCandidate } from '../core/plan/postgres-data-cache.js';
import type { ReadinessCheck } from '../core/plan/readiness.js';

export interface ServicePlan {
  name: string;
  plan: ContainerPlan;
  check: ReadinessCheck;
  imageId: string;
  /** Set when this service's Postgres data may start from the data directory cache. */
  dataCache?: PostgresCacheCandidate;
}

export interface ServiceRuntime {
  service: string;
  containerId: string;
  ports: PublishedPort[];
  /** The image reference the container runs (built images: devenv's tag). */
  image: string;
  /** Whether the image is built from the template's `build:` section. */
  built: boolean;
  /** How readiness is decided, to wait again after a restart. */
  check: ReadinessCheck;
}
