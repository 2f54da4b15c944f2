import type {
  GitOpsResource,
  ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import type { YamlFile } from '../files/collectYamlFiles';
import type { LayoutLocation } from '../files/layoutLocation';

/** The outcome for one checked file. */
export interface CheckedFile {
  file: YamlFile;
  location: LayoutLocation;
  /** the text as read, for locating issues found after validation */
  text: string;
  /** the resource, when the file passed schema validation */
  resource?: GitOpsResource;
  issues: ValidationIssue[];
}

/** The files that were checked, in the order given; files that were skipped are absent. */
export interface CheckReport {
  files: CheckedFile[];
}
