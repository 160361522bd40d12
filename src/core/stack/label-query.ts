/**
 * Finding resources by the derived selectors (labels.ts), and those labelled
 * before the derived selectors existed, which carry only the annotations they
 * are derived from and are kept by `up` as they are: those are listed by a
 * coarser selector and matched on their annotations here, never selected by
 * an annotation.
 */
import type { LabelSelector } from '../../contracts/engine.js';
import { stackFacts } from './label-facts.js';
import { Labels, boundedLabelValue, workingDirHash } from './labels.js';
import { selectorValue } from './selector-value.js';

type LabelMap = Readonly<Record<string, string>>;

export interface LabelQuery {
  /** Selects the resources labelled with derived selectors. */
  selector: Record<string, string>;
  /** Lists candidates among resources labelled before the derived selectors existed. */
  legacySelector: LabelSelector;
  /** Whether a candidate listed by legacySelector is one (false for any resource with derived selectors). */
  legacyMatch(resource: { name: string; labels: LabelMap }): boolean;
}

export interface DirectoryStacksQuery {
  /** The template's directory, as the working-dir annotation holds it. */
  workingDir: string;
  branch: string;
  owner: string;
}

/** The resources of the stacks a directory's template made on a branch for an owner. */
export function directoryStacksQuery(query: DirectoryStacksQuery): LabelQuery {
  return {
    selector: {
      [Labels.workingDirHash]: workingDirHash(query.workingDir),
      [Labels.branchSlug]: selectorValue(query.branch),
      [Labels.ownerSlug]: selectorValue(query.owner),
    },
    legacySelector: { [Labels.stack]: true },
    legacyMatch: ({ labels }) => {
      const facts = stackFacts(labels);
      return (
        !facts.hasDerivedSelectors &&
        facts.workingDir === boundedLabelValue(query.workingDir) &&
        facts.branch === boundedLabelValue(query.branch) &&
        facts.owner === boundedLabelValue(query.owner)
      );
    },
  };
}
