/** The ProjectSource port on the file system. */
import type { ProjectSource } from '../../contracts/project-source.js';
import { findComposeFiles, loadComposeFromDisk } from './compose-files.js';
import { loadDevenvConfig } from './devenv-config-file.js';

export const projectFiles: ProjectSource = {
  loadCompose: (request) => loadComposeFromDisk(request),
  composeFiles: (cwd, files, env) => findComposeFiles(cwd, files, env),
  devenvConfig: (dir) => loadDevenvConfig(dir),
};
